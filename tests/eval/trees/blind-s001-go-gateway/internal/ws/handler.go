package ws

import (
	"context"
	"encoding/json"
	"log"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/lumen-tutor/gateway/internal/auth"
	"github.com/lumen-tutor/gateway/internal/llm"
	"github.com/lumen-tutor/gateway/internal/metrics"
	"github.com/lumen-tutor/gateway/internal/session"
	"github.com/lumen-tutor/gateway/internal/store"
)

// Handler upgrades authenticated requests and runs the tutoring chat protocol.
type Handler struct {
	hub      *Hub
	sessions *session.Manager
	llm      *llm.Client
	store    *store.Store
	stats    *metrics.Stats
	jwt      *auth.JWT
	upgrader websocket.Upgrader
}

func NewHandler(hub *Hub, origins *OriginChecker, sessions *session.Manager, llmClient *llm.Client,
	st *store.Store, stats *metrics.Stats, j *auth.JWT) *Handler {
	return &Handler{
		hub:      hub,
		sessions: sessions,
		llm:      llmClient,
		store:    st,
		stats:    stats,
		jwt:      j,
		upgrader: websocket.Upgrader{
			ReadBufferSize:  4096,
			WriteBufferSize: 4096,
			CheckOrigin:     origins.checkOrigin,
		},
	}
}

type inbound struct {
	Type    string `json:"type"`
	Content string `json:"content"`
	Subject string `json:"subject,omitempty"`
}

type outbound struct {
	Type      string `json:"type"`
	SessionID string `json:"session_id,omitempty"`
	Delta     string `json:"delta,omitempty"`
	Error     string `json:"error,omitempty"`
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Browsers cannot set headers on a WebSocket handshake.
	claims, err := h.jwt.Parse(r.URL.Query().Get("token"))
	if err != nil {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	wsConn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		log.Printf("ws: upgrade for user %s: %v", claims.UserID, err)
		return
	}
	c := newConn(wsConn, claims.UserID)
	h.hub.Add(c)
	go c.writePump()
	h.readPump(c)
}

func (h *Handler) readPump(c *Conn) {
	defer func() {
		h.hub.Remove(c)
		if id := c.GetSessionID(); id != "" {
			h.sessions.End(id)
		}
		c.Close()
	}()

	c.ws.SetPongHandler(func(string) error { return nil })
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			if websocket.IsUnexpectedCloseError(err, websocket.CloseGoingAway, websocket.CloseNormalClosure) {
				log.Printf("ws: read from user %s: %v", c.userID, err)
			}
			return
		}

		var msg inbound
		if err := json.Unmarshal(data, &msg); err != nil {
			h.sendJSON(c, outbound{Type: "error", Error: "malformed message"})
			continue
		}

		switch msg.Type {
		case "start":
			s := h.sessions.Start(c.userID, msg.Subject)
			c.SetSessionID(s.ID)
			h.sendJSON(c, outbound{Type: "session", SessionID: s.ID})
		case "chat":
			if strings.TrimSpace(msg.Content) == "" {
				h.sendJSON(c, outbound{Type: "error", Error: "empty message"})
				continue
			}
			go h.handleChat(c, msg.Content)
		default:
			h.sendJSON(c, outbound{Type: "error", Error: "unknown message type"})
		}
	}
}

func (h *Handler) handleChat(c *Conn, content string) {
	sessionID := c.GetSessionID()
	if sessionID == "" {
		h.sendJSON(c, outbound{Type: "error", Error: "no active session; send a start message first"})
		return
	}
	start := time.Now()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	history, err := h.store.History(ctx, sessionID)
	cancel()
	if err != nil {
		log.Printf("ws: load history for session %s: %v", sessionID, err)
		h.sendJSON(c, outbound{Type: "error", Error: "could not load conversation"})
		return
	}

	msgs := make([]llm.Message, 0, len(history)+2)
	msgs = append(msgs, llm.Message{Role: "system", Content: llm.TutorPrompt})
	for _, m := range history {
		msgs = append(msgs, llm.Message{Role: m.Role, Content: m.Content})
	}
	msgs = append(msgs, llm.Message{Role: "user", Content: content})

	deltas, errc := h.llm.Stream(msgs)
	var reply strings.Builder
	for d := range deltas {
		reply.WriteString(d)
		if !h.sendJSON(c, outbound{Type: "delta", Delta: d}) {
			return
		}
	}
	if err := <-errc; err != nil {
		h.stats.RecordError()
		log.Printf("ws: llm stream for session %s: %v", sessionID, err)
		h.sendJSON(c, outbound{Type: "error", Error: "the tutor is unavailable, please retry"})
		return
	}

	h.stats.RecordResponse(time.Since(start))
	h.store.SaveMessageAsync(sessionID, "user", content)
	h.store.SaveMessageAsync(sessionID, "assistant", reply.String())
	h.sendJSON(c, outbound{Type: "done", SessionID: sessionID})
}

func (h *Handler) sendJSON(c *Conn, msg outbound) bool {
	b, err := json.Marshal(msg)
	if err != nil {
		log.Printf("ws: marshal %s message: %v", msg.Type, err)
		return false
	}
	return c.Send(b)
}
