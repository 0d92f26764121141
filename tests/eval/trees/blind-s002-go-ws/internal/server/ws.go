package server

import (
	"context"
	"encoding/json"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/exai-labs/exai-daemon/internal/config"
	"github.com/exai-labs/exai-daemon/internal/dispatch"
	"github.com/exai-labs/exai-daemon/internal/providers"
	"github.com/exai-labs/exai-daemon/internal/storage"
	"github.com/exai-labs/exai-daemon/internal/validate"
)

const (
	writeWait  = 10 * time.Second
	pingPeriod = 30 * time.Second
)

type inbound struct {
	Op        string          `json:"op"`
	ID        string          `json:"request_id"`
	Name      string          `json:"name"`
	Provider  string          `json:"provider"`
	Arguments json.RawMessage `json:"arguments"`
}

type outbound struct {
	Op     string `json:"op"`
	ID     string `json:"request_id,omitempty"`
	OK     bool   `json:"ok"`
	Result any    `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

type client struct {
	conn    *websocket.Conn
	remote  string
	writeMu sync.Mutex
	session *Session
}

func (c *client) send(msg outbound) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.conn.SetWriteDeadline(time.Now().Add(writeWait)); err != nil {
		return err
	}
	return c.conn.WriteJSON(msg)
}

type WSServer struct {
	cfg      *config.Config
	disp     *dispatch.Dispatcher
	sessions *SessionManager
	registry *providers.Registry
	store    *storage.ConversationStore
	upgrader websocket.Upgrader
}

func NewWSServer(cfg *config.Config, d *dispatch.Dispatcher, sm *SessionManager, reg *providers.Registry, store *storage.ConversationStore) *WSServer {
	return &WSServer{
		cfg:      cfg,
		disp:     d,
		sessions: sm,
		registry: reg,
		store:    store,
		upgrader: websocket.Upgrader{
			ReadBufferSize:  16 << 10,
			WriteBufferSize: 16 << 10,
			CheckOrigin:     func(r *http.Request) bool { return true },
		},
	}
}

func bearer(r *http.Request) string {
	if t := r.URL.Query().Get("token"); t != "" {
		return t
	}
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

func (s *WSServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.cfg.AuthToken != "" && bearer(r) != s.cfg.AuthToken {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}

	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		log.Printf("websocket upgrade from %s failed: %v", r.RemoteAddr, err)
		return
	}
	s.registry.EnsureDetected()

	c := &client{conn: conn, remote: r.RemoteAddr}
	if sid := r.URL.Query().Get("session"); sid != "" {
		if sess, ok := s.sessions.Resume(sid, c); ok {
			c.session = sess
		}
	}
	if c.session == nil {
		c.session = s.sessions.Create(c)
		meta := storage.SessionMeta{SessionID: c.session.ID, Remote: c.remote, CreatedAt: c.session.CreatedAt}
		if err := s.store.SaveMeta(r.Context(), meta); err != nil {
			log.Printf("save session meta %s: %v", c.session.ID, err)
		}
	}

	done := make(chan struct{})
	defer func() {
		close(done)
		s.sessions.Detach(c.session.ID)
		_ = conn.Close()
	}()

	hello := outbound{Op: "hello", OK: true, Result: map[string]any{
		"session_id": c.session.ID,
		"providers":  s.registry.Names(),
		"tools":      validate.KnownTools(),
	}}
	if err := c.send(hello); err != nil {
		return
	}

	go s.pingLoop(c, done)
	s.readLoop(c)
}

func (s *WSServer) pingLoop(c *client, done <-chan struct{}) {
	t := time.NewTicker(pingPeriod)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				return
			}
		case <-done:
			return
		}
	}
}

func (s *WSServer) readLoop(c *client) {
	for {
		_, raw, err := c.conn.ReadMessage()
		if err != nil {
			if websocket.IsUnexpectedCloseError(err, websocket.CloseGoingAway, websocket.CloseNormalClosure) {
				log.Printf("read from %s: %v", c.remote, err)
			}
			return
		}
		log.Printf("recv session=%s payload=%s", c.session.ID, raw)

		var msg inbound
		if err := json.Unmarshal(raw, &msg); err != nil {
			c.conn.WriteJSON(outbound{Op: "error", Error: "invalid JSON: " + err.Error()})
			continue
		}

		switch msg.Op {
		case "ping":
			_ = c.send(outbound{Op: "pong", OK: true})
		case "call_tool":
			go s.handleCall(c, msg)
		default:
			_ = c.send(outbound{Op: "error", ID: msg.ID, Error: "unknown op " + msg.Op})
		}
	}
}

func (s *WSServer) handleCall(c *client, msg inbound) {
	if err := validate.ToolCall(msg.ID, msg.Name, msg.Arguments); err != nil {
		_ = c.send(outbound{Op: "result", ID: msg.ID, Error: err.Error()})
		return
	}

	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.DaemonTimeout)
	defer cancel()

	resp, err := s.disp.Handle(ctx, dispatch.Request{
		ID:        msg.ID,
		SessionID: c.session.ID,
		Tool:      msg.Name,
		Provider:  msg.Provider,
		Arguments: msg.Arguments,
	})
	if err != nil {
		log.Printf("call %s (%s) failed: %v", msg.ID, msg.Name, err)
		_ = c.send(outbound{Op: "result", ID: msg.ID, Error: err.Error()})
		return
	}
	if err := c.send(outbound{Op: "result", ID: msg.ID, OK: true, Result: resp}); err != nil {
		log.Printf("deliver result %s to %s: %v", msg.ID, c.remote, err)
	}
}
