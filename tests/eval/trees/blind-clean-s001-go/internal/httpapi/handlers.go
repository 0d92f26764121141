package httpapi

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/northwind-labs/convo-gateway/internal/auth"
	"github.com/northwind-labs/convo-gateway/internal/store"
)

var (
	usernamePattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)
	sessionIDPattern = regexp.MustCompile(`^[a-f0-9]{32}$`)
)

const (
	maxTitleChars    = 200
	defaultPageSize  = 20
	maxPageSize      = 100
	minPasswordChars = 12
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type tokenResponse struct {
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type"`
	ExpiresAt   time.Time `json:"expires_at"`
}

func (a *API) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decodeJSON(w, r, 4<<10, &req); err != nil {
		writeError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	username := strings.ToLower(strings.TrimSpace(req.Username))
	if !usernamePattern.MatchString(username) {
		writeError(w, r, http.StatusUnauthorized, "invalid credentials")
		return
	}
	// Per-account limit on top of the per-IP one, against password
	// spraying from many addresses.
	if limited(w, r, a.LoginUserLimiter, "user:"+username) {
		return
	}

	log := loggerFrom(r.Context()).With("username", username, "client_ip", clientIPFrom(r.Context()))
	u, err := a.Store.FindUserByUsername(r.Context(), username)
	switch {
	case errors.Is(err, store.ErrNotFound):
		_ = a.Passwords.Check(nil, req.Password)
		log.Info("login failed", "reason", "unknown user")
		writeError(w, r, http.StatusUnauthorized, "invalid credentials")
		return
	case err != nil:
		log.Error("login: load user", "error", err)
		writeError(w, r, http.StatusServiceUnavailable, "temporarily unavailable")
		return
	}
	if err := a.Passwords.Check(u.PasswordHash, req.Password); err != nil || u.Disabled {
		reason := "bad password"
		if err == nil {
			reason = "disabled"
		}
		log.Info("login failed", "reason", reason)
		writeError(w, r, http.StatusUnauthorized, "invalid credentials")
		return
	}

	tid, err := newID()
	if err != nil {
		internalError(w, r, "login: token id", err)
		return
	}
	token, exp, err := a.Issuer.Issue(u.ID, u.Role, tid)
	if err != nil {
		internalError(w, r, "login: issue token", err)
		return
	}
	log.Info("login succeeded", "user_id", u.ID)
	writeJSON(w, r, http.StatusOK, tokenResponse{AccessToken: token, TokenType: "Bearer", ExpiresAt: exp})
}

func (a *API) issueTicket(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.FromContext(r.Context())
	t, exp, err := a.Tickets.Issue(p.UserID)
	if err != nil {
		loggerFrom(r.Context()).Warn("issue ws ticket", "user_id", p.UserID, "error", err)
		tooManyRequests(w, r, 5)
		return
	}
	writeJSON(w, r, http.StatusCreated, map[string]any{"ticket": t, "expires_at": exp})
}

type createSessionRequest struct {
	Title string `json:"title"`
}

func (a *API) createSession(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.FromContext(r.Context())
	var req createSessionRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, a.Cfg.MaxBodyBytes, &req); err != nil {
			writeError(w, r, http.StatusBadRequest, err.Error())
			return
		}
	}
	title := strings.TrimSpace(req.Title)
	if !utf8.ValidString(title) || utf8.RuneCountInString(title) > maxTitleChars {
		writeError(w, r, http.StatusBadRequest, "title must be valid UTF-8 of at most 200 characters")
		return
	}
	if title == "" {
		title = "New conversation"
	}
	id, err := newID()
	if err != nil {
		internalError(w, r, "create session: id", err)
		return
	}
	now := time.Now().UTC()
	sess := &store.Session{ID: id, UserID: p.UserID, Title: title, CreatedAt: now, UpdatedAt: now}
	if err := a.Store.CreateSession(r.Context(), sess); err != nil {
		internalError(w, r, "create session", err)
		return
	}
	writeJSON(w, r, http.StatusCreated, sess)
}

func (a *API) listSessions(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.FromContext(r.Context())
	limit, ok := pageSize(w, r)
	if !ok {
		return
	}
	out, err := a.Store.ListSessions(r.Context(), p.UserID, int64(limit))
	if err != nil {
		internalError(w, r, "list sessions", err)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"sessions": out})
}

func (a *API) listMessages(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.FromContext(r.Context())
	id := r.PathValue("id")
	if !sessionIDPattern.MatchString(id) {
		writeError(w, r, http.StatusBadRequest, "invalid session id")
		return
	}
	limit, ok := pageSize(w, r)
	if !ok {
		return
	}
	var before primitive.ObjectID
	if b := r.URL.Query().Get("before"); b != "" {
		oid, err := primitive.ObjectIDFromHex(b)
		if err != nil {
			writeError(w, r, http.StatusBadRequest, "invalid before cursor")
			return
		}
		before = oid
	}
	if _, err := a.Store.GetSession(r.Context(), id, p.UserID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, r, http.StatusNotFound, "session not found")
			return
		}
		internalError(w, r, "list messages: load session", err)
		return
	}
	msgs, err := a.Store.RecentMessages(r.Context(), id, before, int64(limit))
	if err != nil {
		internalError(w, r, "list messages", err)
		return
	}
	resp := map[string]any{"messages": msgs}
	if len(msgs) == limit {
		resp["next_before"] = msgs[0].ID.Hex()
	}
	writeJSON(w, r, http.StatusOK, resp)
}

func (a *API) deleteSession(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.FromContext(r.Context())
	id := r.PathValue("id")
	if !sessionIDPattern.MatchString(id) {
		writeError(w, r, http.StatusBadRequest, "invalid session id")
		return
	}
	if _, err := a.Store.GetSession(r.Context(), id, p.UserID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, r, http.StatusNotFound, "session not found")
			return
		}
		internalError(w, r, "delete session: load", err)
		return
	}
	a.Hub.CloseSession(id, "session deleted")
	if err := a.Store.DeleteSession(r.Context(), id); err != nil {
		internalError(w, r, "delete session", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func pageSize(w http.ResponseWriter, r *http.Request) (int, bool) {
	raw := r.URL.Query().Get("limit")
	if raw == "" {
		return defaultPageSize, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > maxPageSize {
		writeError(w, r, http.StatusBadRequest, "limit must be an integer between 1 and 100")
		return 0, false
	}
	return n, true
}
