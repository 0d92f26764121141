package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/exai-labs/exai-daemon/internal/config"
	"github.com/exai-labs/exai-daemon/internal/dispatch"
	"github.com/exai-labs/exai-daemon/internal/providers"
	"github.com/exai-labs/exai-daemon/internal/storage"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func allowMonitorOrigin(cfg *config.Config, w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return
	}
	for _, o := range cfg.MonitorOrigins {
		if o == origin {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Add("Vary", "Origin")
			return
		}
	}
}

// HealthMux serves liveness, semaphore stats and Prometheus metrics on the
// internal health port.
func HealthMux(cfg *config.Config, d *dispatch.Dispatcher, sm *SessionManager, reg *providers.Registry) http.Handler {
	mux := http.NewServeMux()

	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()

		total, attached := sm.Count()
		body := map[string]any{
			"status":            "ok",
			"providers":         reg.Names(),
			"sessions":          total,
			"attached_sessions": attached,
		}
		status := http.StatusOK
		if err := storage.Client().Ping(ctx).Err(); err != nil {
			status = http.StatusServiceUnavailable
			body["status"] = "degraded"
			body["redis"] = err.Error()
		}
		writeJSON(w, status, body)
	})

	mux.HandleFunc("/health/semaphores", func(w http.ResponseWriter, r *http.Request) {
		allowMonitorOrigin(cfg, w, r)
		writeJSON(w, http.StatusOK, d.Stats())
	})

	mux.Handle("/metrics", promhttp.Handler())
	return mux
}
