package ws

import (
	"log"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const (
	writeWait  = 10 * time.Second
	pingPeriod = 30 * time.Second
	sendBuffer = 64
)

// Conn wraps a single client socket. All writes go through writePump.
type Conn struct {
	ws     *websocket.Conn
	send   chan []byte
	done   chan struct{}
	userID string

	mu        sync.Mutex
	sessionID string
	closeOnce sync.Once
}

func newConn(wsConn *websocket.Conn, userID string) *Conn {
	return &Conn{
		ws:     wsConn,
		send:   make(chan []byte, sendBuffer),
		done:   make(chan struct{}),
		userID: userID,
	}
}

func (c *Conn) SetSessionID(id string) {
	c.mu.Lock()
	c.sessionID = id
	c.mu.Unlock()
}

func (c *Conn) GetSessionID() string {
	return c.sessionID
}

// Send queues msg without blocking; it reports false if the message was dropped.
func (c *Conn) Send(msg []byte) bool {
	select {
	case <-c.done:
		return false
	case c.send <- msg:
		return true
	default:
		return false
	}
}

func (c *Conn) Close() {
	c.closeOnce.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

func (c *Conn) writePump() {
	ticker := time.NewTicker(pingPeriod)
	defer func() {
		ticker.Stop()
		c.Close()
	}()
	for {
		select {
		case msg := <-c.send:
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
				log.Printf("ws: write to user %s: %v", c.userID, err)
				return
			}
		case <-ticker.C:
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.ws.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		case <-c.done:
			return
		}
	}
}
