// Package worker runs the periodic FRED refresh.
package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/macrolens/econ-api/internal/service"
)

// Status describes the most recent refresh run.
type Status struct {
	Running      bool      `json:"running"`
	LastStarted  time.Time `json:"last_started"`
	LastFinished time.Time `json:"last_finished"`
	SeriesOK     int       `json:"series_ok"`
	SeriesFailed int       `json:"series_failed"`
	RowsWritten  int       `json:"rows_written"`
	LastError    string    `json:"last_error,omitempty"`
}

// Refresher refreshes a fixed list of tracked series on an interval.
type Refresher struct {
	svc      *service.SeriesService
	series   []string
	interval time.Duration
	perCall  time.Duration
	logger   *slog.Logger

	status Status
}

// NewRefresher builds a Refresher.
func NewRefresher(svc *service.SeriesService, series []string, interval time.Duration, logger *slog.Logger) *Refresher {
	return &Refresher{
		svc:      svc,
		series:   series,
		interval: interval,
		perCall:  2 * time.Minute,
		logger:   logger.With("component", "refresher"),
	}
}

// Run refreshes once immediately and then on every tick until ctx is cancelled.
func (w *Refresher) Run(ctx context.Context) {
	w.logger.Info("refresher started", "interval", w.interval.String(), "series", len(w.series))
	ticker := time.NewTicker(w.interval)
	defer ticker.Stop()

	w.RefreshAll(ctx)
	for {
		select {
		case <-ctx.Done():
			w.logger.Info("refresher stopping")
			return
		case <-ticker.C:
			w.RefreshAll(ctx)
		}
	}
}

// RefreshAll refreshes every tracked series sequentially. Failures of one
// series do not stop the others.
func (w *Refresher) RefreshAll(ctx context.Context) {
	w.status = Status{Running: true, LastStarted: time.Now().UTC()}

	for _, id := range w.series {
		if ctx.Err() != nil {
			break
		}
		callCtx, cancel := context.WithTimeout(ctx, w.perCall)
		n, err := w.svc.Refresh(callCtx, id)
		cancel()
		if err != nil {
			w.status.SeriesFailed++
			w.status.LastError = id + ": " + err.Error()
			w.logger.Error("series refresh failed", "series", id, "err", err)
			continue
		}
		w.status.SeriesOK++
		w.status.RowsWritten += n
	}

	w.status.Running = false
	w.status.LastFinished = time.Now().UTC()
	w.logger.Info("refresh run complete",
		"ok", w.status.SeriesOK,
		"failed", w.status.SeriesFailed,
		"rows", w.status.RowsWritten,
		"took_ms", w.status.LastFinished.Sub(w.status.LastStarted).Milliseconds(),
	)
}

// Status returns a copy of the latest run status.
func (w *Refresher) Status() Status {
	return w.status
}
