// Package api wires the HTTP and WebSocket handlers.
package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/cors"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/profileagent/rag-agent/internal/analytics"
	"github.com/profileagent/rag-agent/internal/config"
	"github.com/profileagent/rag-agent/internal/metrics"
	"github.com/profileagent/rag-agent/internal/rag"
	"github.com/profileagent/rag-agent/internal/session"
	"github.com/profileagent/rag-agent/internal/store"
	"github.com/profileagent/rag-agent/internal/worker"
)

// Deps bundles everything the handlers need.
type Deps struct {
	Config        *config.Config
	Pool          *pgxpool.Pool
	Documents     *store.DocumentStore
	Conversations *store.ConversationStore
	Memory        *session.Memory
	Agent         *rag.Agent
	Retriever     *rag.Retriever
	Ingest        *worker.Pool
	Syncer        *worker.Syncer
	Analytics     *analytics.Recorder
	Metrics       *metrics.Collector
}

// NewRouter builds the HTTP handler tree.
func NewRouter(d *Deps) http.Handler {
	r := chi.NewRouter()

	r.Use(middleware.RealIP)
	r.Use(middleware.Logger)
	r.Use(middleware.Recoverer)
	r.Use(cors.Handler(cors.Options{
		AllowedOrigins:   []string{"*"},
		AllowedMethods:   []string{"GET", "POST", "DELETE", "OPTIONS"},
		AllowedHeaders:   []string{"Authorization", "Content-Type", "X-API-Key"},
		AllowCredentials: true,
		MaxAge:           300,
	}))

	auth := NewAuthenticator(d.Config.SecretKey, d.Config.AdminAPIKeys)

	health := &HealthHandler{}
	r.Get("/health", health.Live)
	r.Get("/ready", health.Ready)

	chat := &ChatHandler{
		agent:         d.Agent,
		conversations: d.Conversations,
		memory:        d.Memory,
		analytics:     d.Analytics,
		metrics:       d.Metrics,
	}
	r.Get("/ws/chat", chat.WebSocket)

	r.Route("/api/v1", func(r chi.Router) {
		r.Use(middleware.Timeout(90 * time.Second))

		r.Group(func(r chi.Router) {
			r.Use(auth.RequireUser)
			r.Post("/chat", chat.Post)
			r.Get("/search", chat.Search(d.Retriever))

			convs := &ConversationHandler{store: d.Conversations}
			r.Get("/conversations", convs.List)
			r.Get("/conversations/{id}/messages", convs.Messages)
		})

		r.Group(func(r chi.Router) {
			r.Use(auth.RequireAdminKey)
			docs := &DocumentHandler{
				store:    d.Documents,
				ingest:   d.Ingest,
				syncer:   d.Syncer,
				maxBytes: d.Config.MaxUploadBytes,
			}
			r.Post("/documents", docs.Upload)
			r.Get("/documents", docs.List)
			r.Get("/documents/{id}", docs.Get)
			r.Post("/documents/sync", docs.Sync)
			r.Get("/metrics", metricsHandler(d.Metrics))
		})
	})

	return r
}

func metricsHandler(m *metrics.Collector) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, m.Snapshot())
	}
}

type errorBody struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Warn("write json response", "status", status, "err", err)
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}
