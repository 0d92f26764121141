package server

import (
	"fmt"
	"log"
	"math/rand"
	"sync"
	"time"

	"github.com/exai-labs/exai-daemon/internal/metrics"
)

type Session struct {
	ID        string
	Remote    string
	CreatedAt time.Time
	LastSeen  time.Time
	client    *client
}

// SessionManager tracks sessions so that a reconnecting client can resume
// its conversation by passing ?session=<id>.
type SessionManager struct {
	mu       sync.RWMutex
	sessions map[string]*Session
}

func NewSessionManager() *SessionManager {
	return &SessionManager{sessions: make(map[string]*Session)}
}

func newSessionID() string {
	return fmt.Sprintf("s-%x-%06d", time.Now().UnixNano(), rand.Intn(1_000_000))
}

func (m *SessionManager) Create(c *client) *Session {
	now := time.Now()
	s := &Session{ID: newSessionID(), Remote: c.remote, CreatedAt: now, LastSeen: now, client: c}
	m.mu.Lock()
	m.sessions[s.ID] = s
	m.mu.Unlock()
	metrics.ActiveSessions.Inc()
	return s
}

// Resume re-attaches a connection to a detached session.
func (m *SessionManager) Resume(id string, c *client) (*Session, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok || s.client != nil {
		return nil, false
	}
	s.client = c
	s.LastSeen = time.Now()
	metrics.ActiveSessions.Inc()
	return s, true
}

func (m *SessionManager) Detach(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.sessions[id]; ok && s.client != nil {
		s.client = nil
		s.LastSeen = time.Now()
		metrics.ActiveSessions.Dec()
	}
}

func (m *SessionManager) Count() (total, attached int) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, s := range m.sessions {
		if s.client != nil {
			attached++
		}
	}
	return len(m.sessions), attached
}

// Broadcast sends msg to every attached session.
func (m *SessionManager) Broadcast(msg outbound) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, s := range m.sessions {
		if s.client == nil {
			continue
		}
		if err := s.client.send(msg); err != nil {
			log.Printf("broadcast to session %s failed: %v", s.ID, err)
		}
	}
}

// ProviderStatus builds the periodic provider-status notification.
func ProviderStatus(reg interface{ Names() []string }) outbound {
	return outbound{Op: "providers", OK: true, Result: map[string]any{
		"available": reg.Names(),
		"at":        time.Now().UTC().Format(time.RFC3339),
	}}
}
