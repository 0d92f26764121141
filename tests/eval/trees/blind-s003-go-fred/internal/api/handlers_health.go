package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/macrolens/econ-api/internal/cache"
	"github.com/macrolens/econ-api/internal/store"
)

type healthHandler struct {
	store  *store.Store
	cache  *cache.Cache
	logger *slog.Logger
}

type dependencyStatus struct {
	Status    string `json:"status"`
	LatencyMS int64  `json:"latency_ms"`
	Error     string `json:"error,omitempty"`
}

// GET /health reports the state of each dependency.
func (h *healthHandler) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()

	deps := map[string]dependencyStatus{
		"postgres": check(ctx, h.store.Ping),
		"redis":    check(ctx, h.cache.Ping),
	}

	status, code := "healthy", http.StatusOK
	for name, d := range deps {
		if d.Status != "ok" {
			status, code = "degraded", http.StatusServiceUnavailable
			h.logger.Warn("health check dependency failing", "dependency", name, "err", d.Error)
		}
	}
	writeJSON(w, code, map[string]any{"status": status, "dependencies": deps})
}

// GET /health/liveness: the process is up and serving HTTP.
func (h *healthHandler) liveness(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "alive"})
}

// GET /health/readiness is what Railway polls before routing traffic.
func (h *healthHandler) readiness(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func check(ctx context.Context, ping func(context.Context) error) dependencyStatus {
	start := time.Now()
	err := ping(ctx)
	d := dependencyStatus{Status: "ok", LatencyMS: time.Since(start).Milliseconds()}
	if err != nil {
		d.Status = "error"
		d.Error = err.Error()
	}
	return d
}
