// Package analytics records per-query events for the usage dashboard.
package analytics

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Event is one answered query.
type Event struct {
	UserID    string
	Route     string
	LatencyMS int
	Tokens    int
}

// Recorder writes events to Postgres.
type Recorder struct {
	pool *pgxpool.Pool
}

// NewRecorder returns a Recorder.
func NewRecorder(pool *pgxpool.Pool) *Recorder {
	return &Recorder{pool: pool}
}

// Record stores an event. Failures never affect the user's request.
func (r *Recorder) Record(ctx context.Context, e Event) {
	_, err := r.pool.Exec(ctx,
		`INSERT INTO query_events (user_id, route, latency_ms, tokens_used) VALUES ($1, $2, $3, $4)`,
		e.UserID, e.Route, e.LatencyMS, e.Tokens)
	if err != nil {
		fmt.Println("analytics: failed to record event:", err)
	}
}

// RouteStat aggregates events by route.
type RouteStat struct {
	Route        string  `json:"route"`
	Queries      int64   `json:"queries"`
	AvgLatencyMS float64 `json:"avg_latency_ms"`
	Tokens       int64   `json:"tokens"`
}

// Summary returns per-route stats since the given time.
func (r *Recorder) Summary(ctx context.Context, since time.Time) ([]RouteStat, error) {
	rows, err := r.pool.Query(ctx,
		`SELECT route, count(*), avg(latency_ms), coalesce(sum(tokens_used), 0)
		 FROM query_events WHERE created_at >= $1 GROUP BY route ORDER BY 2 DESC`, since)
	if err != nil {
		return nil, fmt.Errorf("analytics summary: %w", err)
	}
	defer rows.Close()

	var out []RouteStat
	for rows.Next() {
		var s RouteStat
		if err := rows.Scan(&s.Route, &s.Queries, &s.AvgLatencyMS, &s.Tokens); err != nil {
			return nil, fmt.Errorf("scan route stat: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
