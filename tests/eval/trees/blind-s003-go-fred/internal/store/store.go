// Package store holds PostgreSQL queries for series, observations and API keys.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/macrolens/econ-api/internal/fred"
)

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")

// Store wraps the connection pool.
type Store struct {
	pool *pgxpool.Pool
}

// New returns a Store.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool}
}

// Ping checks database reachability.
func (s *Store) Ping(ctx context.Context) error {
	return s.pool.Ping(ctx)
}

// Series is a stored series row.
type Series struct {
	ID                 string     `json:"id"`
	Title              string     `json:"title"`
	Frequency          string     `json:"frequency"`
	Units              string     `json:"units"`
	SeasonalAdjustment string     `json:"seasonal_adjustment"`
	Popularity         int        `json:"popularity"`
	LastUpdated        *time.Time `json:"last_updated,omitempty"`
}

// Point is one stored observation.
type Point struct {
	SeriesID string    `json:"series_id,omitempty"`
	Date     time.Time `json:"date"`
	Value    *float64  `json:"value"`
}

// GetSeries loads a single series by ID.
func (s *Store) GetSeries(ctx context.Context, id string) (Series, error) {
	var out Series
	err := s.pool.QueryRow(ctx, `
		SELECT id, title, frequency, units, seasonal_adjustment, popularity, last_updated
		FROM series WHERE id = $1`, id,
	).Scan(&out.ID, &out.Title, &out.Frequency, &out.Units, &out.SeasonalAdjustment, &out.Popularity, &out.LastUpdated)
	if errors.Is(err, pgx.ErrNoRows) {
		return Series{}, ErrNotFound
	}
	if err != nil {
		return Series{}, fmt.Errorf("get series %s: %w", id, err)
	}
	return out, nil
}

// ListSeries returns a page of stored series ordered by sortBy.
func (s *Store) ListSeries(ctx context.Context, sortBy string, limit, offset int) ([]Series, error) {
	if sortBy == "" {
		sortBy = "popularity DESC"
	}
	query := `SELECT id, title, frequency, units, seasonal_adjustment, popularity, last_updated
		FROM series ORDER BY ` + sortBy + ` LIMIT $1 OFFSET $2`

	rows, err := s.pool.Query(ctx, query, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list series: %w", err)
	}
	defer rows.Close()

	var out []Series
	for rows.Next() {
		var sr Series
		if err := rows.Scan(&sr.ID, &sr.Title, &sr.Frequency, &sr.Units, &sr.SeasonalAdjustment, &sr.Popularity, &sr.LastUpdated); err != nil {
			return nil, fmt.Errorf("scan series: %w", err)
		}
		out = append(out, sr)
	}
	return out, rows.Err()
}

// UpsertSeries inserts or updates series metadata.
func (s *Store) UpsertSeries(ctx context.Context, info fred.SeriesInfo) error {
	var lastUpdated *time.Time
	if t, err := time.Parse("2006-01-02 15:04:05-07", info.LastUpdated); err == nil {
		lastUpdated = &t
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO series (id, title, frequency, units, seasonal_adjustment, popularity, last_updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET
			title = EXCLUDED.title,
			frequency = EXCLUDED.frequency,
			units = EXCLUDED.units,
			seasonal_adjustment = EXCLUDED.seasonal_adjustment,
			popularity = EXCLUDED.popularity,
			last_updated = EXCLUDED.last_updated,
			updated_at = now()`,
		info.ID, info.Title, info.Frequency, info.Units, info.SeasonalAdjustment, info.Popularity, lastUpdated)
	if err != nil {
		return fmt.Errorf("upsert series %s: %w", info.ID, err)
	}
	return nil
}

const upsertObservationSQL = `
	INSERT INTO observations (series_id, obs_date, value, fetched_at)
	VALUES ($1, $2, $3, now())
	ON CONFLICT (series_id, obs_date) DO UPDATE SET value = EXCLUDED.value, fetched_at = now()`

// UpsertObservations stores observations for a series.
func (s *Store) UpsertObservations(ctx context.Context, seriesID string, obs []fred.Observation) error {
	for _, o := range obs {
		if _, err := s.pool.Exec(ctx, upsertObservationSQL, seriesID, o.Date, o.Value); err != nil {
			return fmt.Errorf("upsert observation %s %s: %w", seriesID, o.Date.Format("2006-01-02"), err)
		}
	}
	return nil
}

// History returns observations in [start, end], newest first, capped at limit.
func (s *Store) History(ctx context.Context, seriesID string, start, end time.Time, limit int) ([]Point, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT obs_date, value FROM observations
		WHERE series_id = $1 AND obs_date BETWEEN $2 AND $3
		ORDER BY obs_date DESC
		LIMIT $4`, seriesID, start, end, limit)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", seriesID, err)
	}
	defer rows.Close()

	out := make([]Point, 0, 64)
	for rows.Next() {
		var p Point
		if err := rows.Scan(&p.Date, &p.Value); err != nil {
			return nil, fmt.Errorf("scan history %s: %w", seriesID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("iterate history %s: %w", seriesID, err)
	}
	return out, nil
}

// LatestForSeries returns the newest non-null observation per series in one query.
func (s *Store) LatestForSeries(ctx context.Context, ids []string) (map[string]Point, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT DISTINCT ON (series_id) series_id, obs_date, value
		FROM observations
		WHERE series_id = ANY($1) AND value IS NOT NULL
		ORDER BY series_id, obs_date DESC`, ids)
	if err != nil {
		return nil, fmt.Errorf("latest observations: %w", err)
	}

	out := make(map[string]Point, len(ids))
	for rows.Next() {
		var p Point
		if err := rows.Scan(&p.SeriesID, &p.Date, &p.Value); err != nil {
			return nil, fmt.Errorf("scan latest: %w", err)
		}
		out[p.SeriesID] = p
	}
	return out, rows.Err()
}

// LastObservationDate returns the most recent stored date for a series, or
// the zero time when nothing is stored yet.
func (s *Store) LastObservationDate(ctx context.Context, seriesID string) (time.Time, error) {
	var d *time.Time
	err := s.pool.QueryRow(ctx,
		`SELECT max(obs_date) FROM observations WHERE series_id = $1`, seriesID,
	).Scan(&d)
	if err != nil {
		return time.Time{}, fmt.Errorf("last observation date %s: %w", seriesID, err)
	}
	if d == nil {
		return time.Time{}, nil
	}
	return *d, nil
}

// RecordFetch appends to the fetch audit log.
func (s *Store) RecordFetch(ctx context.Context, seriesID string, rowsCount int, fetchErr error) error {
	var msg *string
	if fetchErr != nil {
		m := fetchErr.Error()
		msg = &m
	}
	_, err := s.pool.Exec(ctx,
		`INSERT INTO fetch_log (series_id, rows_count, error) VALUES ($1, $2, $3)`,
		seriesID, rowsCount, msg)
	return err
}

// APIKeyOwner resolves a hashed API key to its owner. Revoked keys are not found.
func (s *Store) APIKeyOwner(ctx context.Context, keyHash []byte) (string, error) {
	var owner string
	err := s.pool.QueryRow(ctx,
		`SELECT owner FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`, keyHash,
	).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("lookup api key: %w", err)
	}
	return owner, nil
}
