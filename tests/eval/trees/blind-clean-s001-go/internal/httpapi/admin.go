package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/northwind-labs/convo-gateway/internal/auth"
	"github.com/northwind-labs/convo-gateway/internal/metrics"
	"github.com/northwind-labs/convo-gateway/internal/store"
)

type statsResponse struct {
	Uptime         string          `json:"uptime"`
	Connections    int             `json:"ws_connections"`
	ActiveSessions int             `json:"active_sessions"`
	SessionsLast24 *int64          `json:"sessions_created_24h,omitempty"`
	ResponseTimes  metrics.Summary `json:"llm_response_times"`
}

func (a *API) adminStats(w http.ResponseWriter, r *http.Request) {
	resp := statsResponse{
		Uptime:         time.Since(a.Started).Round(time.Second).String(),
		Connections:    a.Hub.Count(),
		ActiveSessions: a.Sessions.Len(),
		ResponseTimes:  a.Stats.Snapshot(),
	}
	// The count is best-effort: the in-memory figures are still useful
	// when the database is slow.
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if n, err := a.Store.CountSessionsSince(ctx, time.Now().Add(-24*time.Hour)); err != nil {
		loggerFrom(r.Context()).Warn("admin stats: count sessions", "error", err)
	} else {
		resp.SessionsLast24 = &n
	}
	writeJSON(w, r, http.StatusOK, resp)
}

func (a *API) adminActiveSessions(w http.ResponseWriter, r *http.Request) {
	limit, ok := pageSize(w, r)
	if !ok {
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{
		"total":    a.Sessions.Len(),
		"sessions": a.Sessions.List(limit),
	})
}

func (a *API) adminTerminateSession(w http.ResponseWriter, r *http.Request) {
	admin, _ := auth.FromContext(r.Context())
	id := r.PathValue("id")
	if !sessionIDPattern.MatchString(id) {
		writeError(w, r, http.StatusBadRequest, "invalid session id")
		return
	}
	if _, err := a.Store.GetSession(r.Context(), id, ""); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, r, http.StatusNotFound, "session not found")
			return
		}
		internalError(w, r, "terminate session: load", err)
		return
	}
	// Mark first so a client reconnecting right after the close cannot
	// rejoin.
	if err := a.Store.TerminateSession(r.Context(), id, time.Now().UTC()); err != nil {
		internalError(w, r, "terminate session: mark terminated", err)
		return
	}
	closed := a.Hub.CloseSession(id, "terminated by administrator")
	loggerFrom(r.Context()).Info("audit: session terminated",
		"admin_id", admin.UserID, "session_id", id, "connections_closed", closed)
	writeJSON(w, r, http.StatusOK, map[string]any{"session_id": id, "connections_closed": closed})
}

type createUserRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Role     string `json:"role"`
}

func (a *API) adminCreateUser(w http.ResponseWriter, r *http.Request) {
	admin, _ := auth.FromContext(r.Context())
	var req createUserRequest
	if err := decodeJSON(w, r, 4<<10, &req); err != nil {
		writeError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	username := strings.ToLower(strings.TrimSpace(req.Username))
	var problems []string
	if !usernamePattern.MatchString(username) {
		problems = append(problems, "username must be 3-64 chars of a-z, 0-9, '.', '_' or '-'")
	}
	if n := len([]rune(req.Password)); n < minPasswordChars || len(req.Password) > auth.MaxPasswordBytes {
		problems = append(problems, "password must be at least 12 characters and at most 72 bytes")
	}
	if req.Role != auth.RoleUser && req.Role != auth.RoleAdmin {
		problems = append(problems, "role must be 'user' or 'admin'")
	}
	if len(problems) > 0 {
		writeJSON(w, r, http.StatusBadRequest, map[string]any{"error": "validation failed", "details": problems})
		return
	}

	hash, err := bcrypt.GenerateFromPassword([]byte(req.Password), a.Cfg.BcryptCost)
	if err != nil {
		internalError(w, r, "create user: hash", err)
		return
	}
	id, err := newID()
	if err != nil {
		internalError(w, r, "create user: id", err)
		return
	}
	u := &store.User{ID: id, Username: username, PasswordHash: hash, Role: req.Role, CreatedAt: time.Now().UTC()}
	if err := a.Store.CreateUser(r.Context(), u); err != nil {
		if errors.Is(err, store.ErrDuplicate) {
			writeError(w, r, http.StatusConflict, "username already exists")
			return
		}
		internalError(w, r, "create user", err)
		return
	}
	loggerFrom(r.Context()).Info("audit: user created",
		"admin_id", admin.UserID, "user_id", id, "username", username, "role", req.Role)
	writeJSON(w, r, http.StatusCreated, map[string]string{"id": id, "username": username, "role": req.Role})
}
