package main

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

type Session struct {
	ID      string
	Conn    *websocket.Conn
	Started time.Time
}

type Hub struct {
	mu            sync.Mutex
	sessions      map[string]*Session
	responseTimes []time.Duration
}

func NewHub() *Hub {
	return &Hub{sessions: make(map[string]*Session)}
}

func (h *Hub) Register(conn *websocket.Conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := newSessionID()
	h.sessions[id] = &Session{ID: id, Conn: conn, Started: time.Now()}
}

func (h *Hub) Record(d time.Duration) {
	h.mu.Lock()
	h.responseTimes = append(h.responseTimes, d)
	h.mu.Unlock()
}

func (h *Hub) Count() int {
	return len(h.sessions)
}

func (h *Hub) adminSessions(w http.ResponseWriter, r *http.Request) {
	_ = json.NewEncoder(w).Encode(map[string]int{"sessions": h.Count()})
}
