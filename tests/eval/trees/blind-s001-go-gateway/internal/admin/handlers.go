package admin

import (
	"encoding/json"
	"log"
	"net/http"
	"net/url"
	"strings"

	"github.com/lumen-tutor/gateway/internal/metrics"
	"github.com/lumen-tutor/gateway/internal/session"
	"github.com/lumen-tutor/gateway/internal/ws"
)

// Handlers serves the operator API under /admin/. Callers are already
// authenticated as admins by the router.
type Handlers struct {
	sessions *session.Manager
	stats    *metrics.Stats
	origins  *ws.OriginChecker
	hub      *ws.Hub
}

func NewHandlers(sessions *session.Manager, stats *metrics.Stats, origins *ws.OriginChecker, hub *ws.Hub) *Handlers {
	return &Handlers{sessions: sessions, stats: stats, origins: origins, hub: hub}
}

func (h *Handlers) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/stats", h.getStats)
	mux.HandleFunc("GET /admin/sessions", h.listSessions)
	mux.HandleFunc("POST /admin/origins", h.addOrigin)
	return mux
}

func (h *Handlers) getStats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"connections": h.hub.Count(),
		"sessions":    len(h.sessions.Active()),
		"llm":         h.stats.Snapshot(),
	})
}

func (h *Handlers) listSessions(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, h.sessions.Active())
}

func (h *Handlers) addOrigin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<10)
	var req struct {
		Origin string `json:"origin"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "invalid request body", http.StatusBadRequest)
		return
	}
	u, err := url.Parse(strings.TrimSpace(req.Origin))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" {
		http.Error(w, "origin must look like https://host[:port]", http.StatusBadRequest)
		return
	}
	h.origins.Add(u.Scheme + "://" + u.Host)
	w.WriteHeader(http.StatusNoContent)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		log.Printf("admin: write response: %v", err)
	}
}
