package session

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// Session is one tutoring conversation opened over a socket.
type Session struct {
	ID        string     `json:"id"`
	UserID    string     `json:"user_id"`
	Subject   string     `json:"subject"`
	StartTime time.Time  `json:"start_time"`
	EndTime   *time.Time `json:"end_time,omitempty"`
}

// Manager keeps the live session table.
type Manager struct {
	mu       sync.RWMutex
	sessions map[string]*Session
}

func NewManager() *Manager {
	return &Manager{sessions: make(map[string]*Session)}
}

func (m *Manager) Start(userID, subject string) *Session {
	s := &Session{
		ID:        newID(),
		UserID:    userID,
		Subject:   subject,
		StartTime: time.Now(),
	}
	m.mu.Lock()
	m.sessions[s.ID] = s
	m.mu.Unlock()
	return s
}

// End marks a session as finished.
func (m *Manager) End(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.sessions[id]; ok && s.EndTime == nil {
		now := time.Now()
		s.EndTime = &now
	}
}

// Active returns copies of all sessions that have not ended.
func (m *Manager) Active() []Session {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Session, 0)
	for _, s := range m.sessions {
		if s.EndTime == nil {
			out = append(out, *s)
		}
	}
	return out
}

func newID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("session: crypto/rand unavailable: " + err.Error())
	}
	return hex.EncodeToString(b)
}
