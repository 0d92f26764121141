package ws

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/northwind-labs/convo-gateway/internal/metrics"
)

// Conn is one client WebSocket. The read loop runs on the HTTP handler's
// goroutine, writes go through a single writer goroutine, and replies are
// generated on goroutines tracked by gen.
type Conn struct {
	id     string
	userID string
	ws     *websocket.Conn
	send   chan []byte
	log    *slog.Logger

	pingInterval time.Duration
	pongWait     time.Duration
	writeWait    time.Duration

	ctx    context.Context
	cancel context.CancelCauseFunc

	mu        sync.Mutex
	sessionID string
	cancelGen context.CancelFunc
	closeCode int
	closeText string

	gen        sync.WaitGroup
	writerDone chan struct{}
}

var errSlowConsumer = errors.New("ws: send buffer full")

func newConn(parent context.Context, id, userID string, c *websocket.Conn, h *Handler) *Conn {
	ctx, cancel := context.WithCancelCause(parent)
	return &Conn{
		id:           id,
		userID:       userID,
		ws:           c,
		send:         make(chan []byte, h.cfg.SendBuffer),
		log:          h.log.With("conn_id", id, "user_id", userID),
		pingInterval: h.cfg.PingInterval,
		pongWait:     h.cfg.PongWait,
		writeWait:    h.cfg.WriteWait,
		ctx:          ctx,
		cancel:       cancel,
		writerDone:   make(chan struct{}),
	}
}

// SessionID returns the session the connection is joined to.
func (c *Conn) SessionID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sessionID
}

func (c *Conn) setSessionID(id string) (previous string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	previous, c.sessionID = c.sessionID, id
	return previous
}

// setGenCancel records the cancel func of the running generation; it
// returns false if one is already set.
func (c *Conn) setGenCancel(cancel context.CancelFunc) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cancelGen != nil {
		return false
	}
	c.cancelGen = cancel
	return true
}

func (c *Conn) generating() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cancelGen != nil
}

func (c *Conn) clearGenCancel() {
	c.mu.Lock()
	c.cancelGen = nil
	c.mu.Unlock()
}

// CancelGeneration stops the reply in progress, if any.
func (c *Conn) CancelGeneration() {
	c.mu.Lock()
	cancel := c.cancelGen
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// Send queues v for the writer. If the client cannot keep up, the
// connection is closed rather than letting the queue grow.
func (c *Conn) Send(v any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		c.log.Error("encode outbound frame", "error", err)
		return false
	}
	select {
	case <-c.ctx.Done():
		return false
	case c.send <- b:
		return true
	default:
		metrics.WSRejected.WithLabelValues("slow_consumer").Inc()
		c.Close(websocket.CloseTryAgainLater, "client too slow", errSlowConsumer)
		return false
	}
}

// Close asks the writer to send a close frame and shut the socket. It is
// safe to call more than once and from any goroutine; the first call wins.
func (c *Conn) Close(code int, text string, cause error) {
	c.mu.Lock()
	if c.closeCode == 0 {
		c.closeCode, c.closeText = code, text
	}
	c.mu.Unlock()
	c.cancel(cause)
}

// forceClose closes the network connection without a close handshake. Used
// when the shutdown deadline has passed.
func (c *Conn) forceClose() {
	c.cancel(errors.New("ws: forced close"))
	_ = c.ws.NetConn().Close()
}

// Done is closed once the writer has exited and the socket is closed.
func (c *Conn) Done() <-chan struct{} { return c.writerDone }

func (c *Conn) writeLoop() {
	ticker := time.NewTicker(c.pingInterval)
	defer func() {
		ticker.Stop()
		_ = c.ws.Close()
		close(c.writerDone)
	}()
	for {
		select {
		case <-c.ctx.Done():
			c.mu.Lock()
			code, text := c.closeCode, c.closeText
			c.mu.Unlock()
			if code == 0 {
				code, text = websocket.CloseNormalClosure, ""
			}
			msg := websocket.FormatCloseMessage(code, text)
			if err := c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.writeWait)); err != nil &&
				!errors.Is(err, websocket.ErrCloseSent) {
				c.log.Debug("write close frame", "error", err)
			}
			return
		case b := <-c.send:
			if err := c.ws.SetWriteDeadline(time.Now().Add(c.writeWait)); err != nil {
				c.cancel(err)
				return
			}
			if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
				c.log.Debug("write frame", "error", err)
				c.cancel(err)
				return
			}
		case <-ticker.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.writeWait)); err != nil {
				c.log.Debug("write ping", "error", err)
				c.cancel(err)
				return
			}
		}
	}
}

// readLoop reads frames until the peer goes away or the connection is
// closed, handing each one to handle.
func (c *Conn) readLoop(maxBytes int64, handle func(*Conn, []byte)) {
	c.ws.SetReadLimit(maxBytes)
	_ = c.ws.SetReadDeadline(time.Now().Add(c.pongWait))
	c.ws.SetPongHandler(func(string) error {
		return c.ws.SetReadDeadline(time.Now().Add(c.pongWait))
	})
	for {
		kind, data, err := c.ws.ReadMessage()
		if err != nil {
			switch {
			case websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway):
				c.Close(websocket.CloseNormalClosure, "", err)
			case errors.Is(err, websocket.ErrReadLimit):
				metrics.WSRejected.WithLabelValues("frame_too_large").Inc()
				c.Close(websocket.CloseMessageTooBig, "frame too large", err)
			case c.ctx.Err() != nil:
				// Closed locally; the writer reports why.
			default:
				c.log.Info("read failed", "error", err)
				c.Close(websocket.CloseGoingAway, "", err)
			}
			return
		}
		if kind != websocket.TextMessage {
			c.Close(websocket.CloseUnsupportedData, "text frames only", errors.New("binary frame"))
			return
		}
		// Any frame from the client proves liveness as well as a pong does.
		_ = c.ws.SetReadDeadline(time.Now().Add(c.pongWait))
		handle(c, data)
	}
}
