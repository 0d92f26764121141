// Package ws serves the chat WebSocket: clients join a conversation
// session, send messages and receive the assistant's reply as a stream of
// deltas.
package ws

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/northwind-labs/convo-gateway/internal/llm"
	"github.com/northwind-labs/convo-gateway/internal/metrics"
	"github.com/northwind-labs/convo-gateway/internal/ratelimit"
	"github.com/northwind-labs/convo-gateway/internal/session"
	"github.com/northwind-labs/convo-gateway/internal/store"
)

const systemPrompt = "You are a concise, helpful assistant."

// sessionIDPattern matches IDs produced by the REST API (16 random bytes,
// hex encoded).
var sessionIDPattern = regexp.MustCompile(`^[a-f0-9]{32}$`)

var errClientGone = errors.New("ws: client went away")

type Config struct {
	MaxMessageBytes int64
	MaxContentChars int
	PingInterval    time.Duration
	PongWait        time.Duration
	WriteWait       time.Duration
	SendBuffer      int
	HistoryMessages int
	PersistTimeout  time.Duration
	DBTimeout       time.Duration
}

// Store is the subset of the persistence layer the handler uses.
type Store interface {
	GetSession(ctx context.Context, id, userID string) (*store.Session, error)
	AppendMessage(ctx context.Context, m *store.Message) error
	RecentMessages(ctx context.Context, sessionID string, before primitive.ObjectID, limit int64) ([]store.Message, error)
}

// Streamer produces the assistant's reply.
type Streamer interface {
	Stream(ctx context.Context, userRef string, msgs []llm.Message, onDelta func(string) error) (llm.Result, error)
}

// ResponseRecorder receives the duration of each completed reply.
type ResponseRecorder interface {
	Add(time.Duration)
}

type Handler struct {
	cfg      Config
	log      *slog.Logger
	hub      *Hub
	tickets  *TicketStore
	sessions *session.Manager
	store    Store
	llm      Streamer
	limiter  *ratelimit.Limiter
	stats    ResponseRecorder
	upgrader websocket.Upgrader

	// baseCtx outlives individual requests; hijacked connections are not
	// cancelled by the HTTP server, so the hub and this context end them.
	baseCtx context.Context
	active  sync.WaitGroup
}

type Deps struct {
	Log      *slog.Logger
	Hub      *Hub
	Tickets  *TicketStore
	Sessions *session.Manager
	Store    Store
	LLM      Streamer
	Limiter  *ratelimit.Limiter
	Stats    ResponseRecorder
	Origins  *OriginPolicy
}

func NewHandler(baseCtx context.Context, cfg Config, d Deps) *Handler {
	return &Handler{
		cfg:      cfg,
		log:      d.Log,
		hub:      d.Hub,
		tickets:  d.Tickets,
		sessions: d.Sessions,
		store:    d.Store,
		llm:      d.LLM,
		limiter:  d.Limiter,
		stats:    d.Stats,
		baseCtx:  baseCtx,
		upgrader: websocket.Upgrader{
			HandshakeTimeout:  10 * time.Second,
			ReadBufferSize:    4096,
			WriteBufferSize:   4096,
			CheckOrigin:       d.Origins.CheckUpgrade,
			EnableCompression: false,
		},
	}
}

type inbound struct {
	Type      string `json:"type"`
	SessionID string `json:"session_id,omitempty"`
	Content   string `json:"content,omitempty"`
}

type outbound struct {
	Type         string `json:"type"`
	SessionID    string `json:"session_id,omitempty"`
	Content      string `json:"content,omitempty"`
	MessageID    string `json:"message_id,omitempty"`
	FinishReason string `json:"finish_reason,omitempty"`
	Code         string `json:"code,omitempty"`
	Message      string `json:"message,omitempty"`
	RetryAfter   int    `json:"retry_after,omitempty"`
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	userID, err := h.tickets.Redeem(r.URL.Query().Get("ticket"))
	if err != nil {
		metrics.WSRejected.WithLabelValues("bad_ticket").Inc()
		http.Error(w, "invalid or expired ticket", http.StatusUnauthorized)
		return
	}
	if err := h.hub.Reserve(userID); err != nil {
		metrics.WSRejected.WithLabelValues("capacity").Inc()
		status := http.StatusServiceUnavailable
		if errors.Is(err, ErrUserLimit) {
			status = http.StatusTooManyRequests
		}
		w.Header().Set("Retry-After", "5")
		http.Error(w, err.Error(), status)
		return
	}

	wsConn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		// Upgrade has already written an HTTP error response.
		h.hub.Release(userID)
		h.log.Info("websocket upgrade failed", "user_id", userID, "error", err)
		return
	}

	c := newConn(h.baseCtx, newID(), userID, wsConn, h)
	if err := h.hub.Add(c); err != nil {
		c.cancel(err)
		_ = wsConn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseGoingAway, "server restarting"),
			time.Now().Add(h.cfg.WriteWait))
		_ = wsConn.Close()
		return
	}
	h.active.Add(1)
	defer h.active.Done()

	c.log.Info("websocket connected")
	go c.writeLoop()
	c.Send(outbound{Type: "ready"})

	c.readLoop(h.cfg.MaxMessageBytes, h.handleFrame)

	c.Close(websocket.CloseNormalClosure, "", nil)
	c.CancelGeneration()
	c.gen.Wait()
	<-c.Done()
	if sid := c.SessionID(); sid != "" {
		h.sessions.Detach(sid)
	}
	h.hub.Remove(c)
	c.log.Info("websocket closed", "cause", errString(context.Cause(c.ctx)))
}

// Wait blocks until every connection handler has finished, including
// replies being persisted, or ctx expires.
func (h *Handler) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		h.active.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Handler) handleFrame(c *Conn, data []byte) {
	var in inbound
	if err := json.Unmarshal(data, &in); err != nil {
		c.Send(outbound{Type: "error", Code: "bad_request", Message: "frame must be a JSON object"})
		return
	}
	switch in.Type {
	case "join":
		h.join(c, in.SessionID)
	case "message":
		h.message(c, in.Content)
	case "cancel":
		c.CancelGeneration()
	default:
		c.Send(outbound{Type: "error", Code: "bad_request", Message: "unknown frame type"})
	}
}

func (h *Handler) join(c *Conn, sessionID string) {
	if !sessionIDPattern.MatchString(sessionID) {
		c.Send(outbound{Type: "error", Code: "bad_request", Message: "invalid session_id"})
		return
	}
	if sessionID == c.SessionID() {
		c.Send(outbound{Type: "joined", SessionID: sessionID})
		return
	}
	// Frames are handled one at a time on the read goroutine, so the only
	// concurrent actor is a running reply; switching sessions under it
	// would attribute the reply to the wrong conversation.
	if c.generating() {
		c.Send(outbound{Type: "error", Code: "busy", Message: "wait for the current reply to finish"})
		return
	}

	ctx, cancel := context.WithTimeout(c.ctx, h.cfg.DBTimeout)
	defer cancel()
	sess, err := h.store.GetSession(ctx, sessionID, c.userID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			c.Send(outbound{Type: "error", Code: "not_found", Message: "session not found"})
			return
		}
		c.log.Error("load session for join", "session_id", sessionID, "error", err)
		c.Send(outbound{Type: "error", Code: "unavailable", Message: "try again shortly"})
		return
	}
	if sess.TerminatedAt != nil {
		c.Send(outbound{Type: "error", Code: "terminated", Message: "session was terminated"})
		return
	}
	if err := h.sessions.Attach(sessionID, c.userID); err != nil {
		c.log.Warn("attach session", "session_id", sessionID, "error", err)
		c.Send(outbound{Type: "error", Code: "unavailable", Message: "too many active sessions"})
		return
	}
	if prev := c.setSessionID(sessionID); prev != "" {
		h.sessions.Detach(prev)
	}
	c.Send(outbound{Type: "joined", SessionID: sessionID})
}

func (h *Handler) message(c *Conn, content string) {
	sessionID := c.SessionID()
	if sessionID == "" {
		c.Send(outbound{Type: "error", Code: "not_joined", Message: "join a session first"})
		return
	}
	content = strings.TrimSpace(content)
	if content == "" || !utf8.ValidString(content) {
		c.Send(outbound{Type: "error", Code: "bad_request", Message: "content must be non-empty UTF-8 text"})
		return
	}
	if n := utf8.RuneCountInString(content); n > h.cfg.MaxContentChars {
		c.Send(outbound{Type: "error", Code: "too_long",
			Message: "content exceeds " + strconv.Itoa(h.cfg.MaxContentChars) + " characters"})
		return
	}
	if ok, retry := h.limiter.Allow(c.userID); !ok {
		c.Send(outbound{Type: "error", Code: "rate_limited", Message: "slow down",
			RetryAfter: ratelimit.RetryAfterSeconds(retry)})
		return
	}
	if err := h.sessions.BeginGeneration(sessionID); err != nil {
		c.Send(outbound{Type: "error", Code: "busy", Message: "a reply is already in progress"})
		return
	}
	genCtx, cancel := context.WithCancel(c.ctx)
	if !c.setGenCancel(cancel) {
		cancel()
		h.sessions.EndGeneration(sessionID)
		c.Send(outbound{Type: "error", Code: "busy", Message: "a reply is already in progress"})
		return
	}
	c.gen.Add(1)
	go h.generate(genCtx, cancel, c, sessionID, content)
}

func (h *Handler) generate(ctx context.Context, cancel context.CancelFunc, c *Conn, sessionID, content string) {
	log := c.log.With("session_id", sessionID)
	defer c.gen.Done()
	defer cancel()
	defer c.clearGenCancel()
	defer h.sessions.EndGeneration(sessionID)
	defer func() {
		if p := recover(); p != nil {
			log.Error("panic in reply generation", "panic", p, "stack", string(debug.Stack()))
			c.Send(outbound{Type: "error", Code: "internal", Message: "internal error"})
		}
	}()

	userMsg := &store.Message{SessionID: sessionID, Role: "user", Content: content, CreatedAt: time.Now().UTC()}
	if err := h.store.AppendMessage(ctx, userMsg); err != nil {
		log.Error("persist user message", "error", err)
		c.Send(outbound{Type: "error", Code: "unavailable", Message: "could not save message"})
		return
	}

	history, err := h.store.RecentMessages(ctx, sessionID, primitive.NilObjectID, int64(h.cfg.HistoryMessages))
	if err != nil {
		log.Error("load history", "error", err)
		c.Send(outbound{Type: "error", Code: "unavailable", Message: "could not load conversation"})
		return
	}
	prompt := make([]llm.Message, 0, len(history)+1)
	prompt = append(prompt, llm.Message{Role: "system", Content: systemPrompt})
	for _, m := range history {
		prompt = append(prompt, llm.Message{Role: m.Role, Content: m.Content})
	}

	start := time.Now()
	res, err := h.llm.Stream(ctx, userRef(c.userID), prompt, func(delta string) error {
		if !c.Send(outbound{Type: "delta", Content: delta}) {
			return errClientGone
		}
		return nil
	})
	if err == nil {
		h.stats.Add(time.Since(start))
	}

	var reply *store.Message
	if res.Text != "" {
		reply = &store.Message{SessionID: sessionID, Role: "assistant", Content: res.Text, CreatedAt: time.Now().UTC()}
		// Save what was generated even if the client left or cancelled.
		pctx, pcancel := context.WithTimeout(context.WithoutCancel(ctx), h.cfg.PersistTimeout)
		perr := h.store.AppendMessage(pctx, reply)
		pcancel()
		if perr != nil {
			log.Error("persist assistant message", "error", perr, "chars", len(res.Text))
			reply = nil
		}
	}

	if err != nil {
		code, msg := classify(err)
		level := slog.LevelWarn
		if code == "cancelled" {
			level = slog.LevelInfo
		}
		log.Log(ctx, level, "reply generation ended early", "code", code, "error", err, "chars", len(res.Text))
		c.Send(outbound{Type: "error", Code: code, Message: msg})
		return
	}
	done := outbound{Type: "done", FinishReason: res.FinishReason}
	if reply != nil {
		done.MessageID = reply.ID.Hex()
	}
	c.Send(done)
}

func classify(err error) (code, msg string) {
	switch {
	case errors.Is(err, errClientGone), errors.Is(err, context.Canceled):
		return "cancelled", "reply cancelled"
	case errors.Is(err, llm.ErrBusy):
		return "llm_busy", "the assistant is at capacity, try again shortly"
	case errors.Is(err, llm.ErrTimeout), errors.Is(err, llm.ErrIdleTimeout):
		return "llm_timeout", "the assistant took too long to respond"
	default:
		return "llm_unavailable", "the assistant is unavailable"
	}
}

// userRef is a stable pseudonymous ID sent to the provider instead of the
// internal user ID.
func userRef(userID string) string {
	sum := sha256.Sum256([]byte("convo-gateway:" + userID))
	return hex.EncodeToString(sum[:12])
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // does not fail on Linux; the ID only labels log lines
	return hex.EncodeToString(b)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
