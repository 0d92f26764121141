// Package api exposes the HTTP interface.
package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/cors"

	"github.com/macrolens/econ-api/internal/cache"
	"github.com/macrolens/econ-api/internal/config"
	"github.com/macrolens/econ-api/internal/service"
	"github.com/macrolens/econ-api/internal/store"
	"github.com/macrolens/econ-api/internal/worker"
)

// Deps are the collaborators the HTTP layer needs.
type Deps struct {
	Config    *config.Config
	Logger    *slog.Logger
	Store     *store.Store
	Cache     *cache.Cache
	Series    *service.SeriesService
	Refresher *worker.Refresher
}

// NewRouter builds the chi router with all routes and middleware.
func NewRouter(d Deps) http.Handler {
	r := chi.NewRouter()

	r.Use(middleware.Recoverer)
	r.Use(requestLogger(d.Logger))
	r.Use(cors.Handler(cors.Options{
		AllowOriginFunc: func(_ *http.Request, origin string) bool {
			for _, allowed := range d.Config.CORSOrigins {
				if allowed == "*" || strings.HasPrefix(origin, allowed) {
					return true
				}
			}
			return false
		},
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:   []string{"Accept", "Content-Type", "X-API-Key", "Authorization"},
		AllowCredentials: true,
		MaxAge:           600,
	}))

	health := &healthHandler{store: d.Store, cache: d.Cache, logger: d.Logger}
	r.Get("/health", health.health)
	r.Get("/health/liveness", health.liveness)
	r.Get("/health/readiness", health.readiness)

	auth := newAPIKeyAuth(d.Store, d.Config.SecretKey, d.Logger)
	limiter := newIPRateLimiter(60, 20)
	data := &dataHandler{svc: d.Series, logger: d.Logger}

	r.Route("/data", func(r chi.Router) {
		r.Use(limiter.middleware)
		r.Use(auth.middleware)
		r.Use(middleware.Timeout(45 * time.Second))

		r.Get("/current", data.current)
		r.Get("/series", data.listSeries)
		r.Get("/series/{id}", data.observations)
		r.Get("/series/{id}/history", data.history)
		r.Get("/search", data.search)
		r.Get("/releases", data.releases)
	})

	admin := &adminHandler{refresher: d.Refresher, svc: d.Series, logger: d.Logger}
	r.Route("/admin", func(r chi.Router) {
		r.Use(requireAdmin(d.Config.AdminToken))
		r.Get("/status", admin.status)
		r.Post("/refresh/{id}", admin.refreshOne)
	})
	r.Post("/admin/refresh", admin.refreshAll)

	return r
}

type errorBody struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Default().Warn("write response failed", "err", err)
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}

// internalError logs err with request context and returns a generic 500.
func internalError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, op string, err error) {
	logger.Error("request failed",
		"op", op,
		"method", r.Method,
		"path", r.URL.Path,
		"err", err,
	)
	writeError(w, http.StatusInternalServerError, "internal error")
}
