package auth

import (
	"log/slog"
	"net/http"
	"strings"
)

// Middleware verifies bearer tokens and attaches the principal.
type Middleware struct {
	issuer *Issuer
	log    *slog.Logger
}

func NewMiddleware(issuer *Issuer, log *slog.Logger) *Middleware {
	return &Middleware{issuer: issuer, log: log}
}

// RequireUser rejects requests without a valid access token.
func (m *Middleware) RequireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := m.authenticate(w, r)
		if !ok {
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// RequireAdmin additionally requires the admin role.
func (m *Middleware) RequireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := m.authenticate(w, r)
		if !ok {
			return
		}
		if !p.IsAdmin() {
			m.log.Warn("admin access denied", "user_id", p.UserID, "path", r.URL.Path)
			writeAuthError(w, http.StatusForbidden, "forbidden")
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

func (m *Middleware) authenticate(w http.ResponseWriter, r *http.Request) (Principal, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") || token == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="convo-gateway"`)
		writeAuthError(w, http.StatusUnauthorized, "missing bearer token")
		return Principal{}, false
	}
	p, err := m.issuer.Verify(strings.TrimSpace(token))
	if err != nil {
		// The reason is logged for operators; clients get a generic message.
		m.log.Info("token rejected", "path", r.URL.Path, "reason", err.Error())
		w.Header().Set("WWW-Authenticate", `Bearer realm="convo-gateway", error="invalid_token"`)
		writeAuthError(w, http.StatusUnauthorized, "invalid token")
		return Principal{}, false
	}
	return p, true
}

func writeAuthError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// msg is one of a few fixed strings, so no JSON escaping is needed.
	_, _ = w.Write([]byte(`{"error":"` + msg + `"}`))
}
