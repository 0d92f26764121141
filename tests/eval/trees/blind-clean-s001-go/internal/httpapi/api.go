// Package httpapi wires the REST endpoints, health checks and middleware.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/northwind-labs/convo-gateway/internal/auth"
	"github.com/northwind-labs/convo-gateway/internal/config"
	"github.com/northwind-labs/convo-gateway/internal/metrics"
	"github.com/northwind-labs/convo-gateway/internal/ratelimit"
	"github.com/northwind-labs/convo-gateway/internal/session"
	"github.com/northwind-labs/convo-gateway/internal/store"
	"github.com/northwind-labs/convo-gateway/internal/ws"
)

// Pinger is satisfied by the store; readiness depends on it.
type Pinger interface {
	Ping(ctx context.Context) error
}

type API struct {
	Cfg       *config.Config
	Log       *slog.Logger
	Store     *store.Store
	DB        Pinger
	Issuer    *auth.Issuer
	AuthMW    *auth.Middleware
	Passwords *auth.PasswordChecker
	Tickets   *ws.TicketStore
	Hub       *ws.Hub
	Sessions  *session.Manager
	Stats     *metrics.ResponseTimes
	Origins   *ws.OriginPolicy
	IPs       *IPResolver
	WS        http.Handler

	APILimiter       *ratelimit.Limiter
	LoginIPLimiter   *ratelimit.Limiter
	LoginUserLimiter *ratelimit.Limiter
	AdminLimiter     *ratelimit.Limiter

	// Draining is set when shutdown begins so readiness fails and the load
	// balancer stops routing new requests here.
	Draining *atomic.Bool
	Started  time.Time
}

// Routes returns the public handler with all middleware applied.
func (a *API) Routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(route string, h http.Handler) { mux.Handle(route, Instrument(route, h)) }

	user := func(h http.HandlerFunc) http.Handler {
		return a.AuthMW.RequireUser(RateLimitByUser(a.APILimiter)(h))
	}
	admin := func(h http.HandlerFunc) http.Handler {
		return a.AuthMW.RequireAdmin(RateLimitByUser(a.AdminLimiter)(h))
	}

	handle("GET /healthz", http.HandlerFunc(a.healthz))
	handle("GET /readyz", http.HandlerFunc(a.readyz))

	handle("POST /v1/auth/login", RateLimitByIP(a.LoginIPLimiter)(http.HandlerFunc(a.login)))
	handle("POST /v1/ws/ticket", user(a.issueTicket))
	// The upgrade authenticates with a single-use ticket; the IP limiter
	// bounds ticket guessing and reconnect storms.
	handle("GET /v1/ws", RateLimitByIP(a.APILimiter)(a.WS))

	handle("POST /v1/sessions", user(a.createSession))
	handle("GET /v1/sessions", user(a.listSessions))
	handle("GET /v1/sessions/{id}/messages", user(a.listMessages))
	handle("DELETE /v1/sessions/{id}", user(a.deleteSession))

	handle("GET /admin/v1/stats", admin(a.adminStats))
	handle("GET /admin/v1/sessions/active", admin(a.adminActiveSessions))
	handle("POST /admin/v1/sessions/{id}/terminate", admin(a.adminTerminateSession))
	handle("POST /admin/v1/users", admin(a.adminCreateUser))

	var h http.Handler = mux
	h = SecureHeaders(h)
	h = CORS(a.Origins)(h)
	h = Observe(a.Log, a.IPs)(h)
	return h
}

func (a *API) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok"})
}

func (a *API) readyz(w http.ResponseWriter, r *http.Request) {
	if a.Draining.Load() {
		writeJSON(w, r, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.DB.Ping(ctx); err != nil {
		loggerFrom(r.Context()).Warn("readiness: mongo ping failed", "error", err)
		writeJSON(w, r, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "mongo": "down"})
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]string{"status": "ready", "mongo": "ok"})
}

func newID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
