// Package session tracks conversation sessions that have live WebSocket
// connections, so the gateway can enforce per-session limits, report
// activity and let admins terminate a session.
package session

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/northwind-labs/convo-gateway/internal/metrics"
)

var (
	ErrTooManySessions = errors.New("session: active session limit reached")
	ErrBusy            = errors.New("session: a reply is already being generated")
	ErrNotOwner        = errors.New("session: owned by another user")
)

// Active is the in-memory state of one session.
type Active struct {
	ID           string
	UserID       string
	StartedAt    time.Time
	LastActivity time.Time
	// EndTime is set when the last connection detaches and cleared if a
	// connection re-attaches; nil means the session is in use.
	EndTime    *time.Time
	conns      int
	generating bool
}

// Info is a copy of Active safe to hand outside the lock.
type Info struct {
	ID           string     `json:"id"`
	UserID       string     `json:"user_id"`
	StartedAt    time.Time  `json:"started_at"`
	LastActivity time.Time  `json:"last_activity"`
	EndTime      *time.Time `json:"end_time,omitempty"`
	Connections  int        `json:"connections"`
	Generating   bool       `json:"generating"`
}

type Manager struct {
	ttl      time.Duration
	max      int
	now      func() time.Time
	log      *slog.Logger
	onExpire func(ctx context.Context, id string, endedAt time.Time)

	mu       sync.Mutex
	sessions map[string]*Active
}

// NewManager creates a manager that forgets sessions ttl after their last
// connection closed. onExpire, if set, is called outside the lock for each
// removed session.
func NewManager(ttl time.Duration, max int, log *slog.Logger, onExpire func(context.Context, string, time.Time)) *Manager {
	return &Manager{
		ttl:      ttl,
		max:      max,
		now:      time.Now,
		log:      log,
		onExpire: onExpire,
		sessions: make(map[string]*Active),
	}
}

// Attach registers a connection on the session, creating the entry if it is
// not yet tracked.
func (m *Manager) Attach(id, userID string) error {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok {
		if len(m.sessions) >= m.max {
			return ErrTooManySessions
		}
		s = &Active{ID: id, UserID: userID, StartedAt: now}
		m.sessions[id] = s
		metrics.ActiveSessions.Set(float64(len(m.sessions)))
	}
	if s.UserID != userID {
		return ErrNotOwner
	}
	s.conns++
	s.LastActivity = now
	s.EndTime = nil
	return nil
}

// Detach removes a connection; when none remain the session starts its TTL.
func (m *Manager) Detach(id string) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok {
		return
	}
	if s.conns > 0 {
		s.conns--
	}
	if s.conns == 0 {
		s.EndTime = &now
	}
}

// BeginGeneration marks the session as generating a reply. It fails if a
// reply is already in progress, which stops two tabs on the same session
// from interleaving replies.
func (m *Manager) BeginGeneration(id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok {
		return errors.New("session: not attached")
	}
	if s.generating {
		return ErrBusy
	}
	s.generating = true
	s.LastActivity = m.now()
	return nil
}

// EndGeneration clears the flag set by BeginGeneration.
func (m *Manager) EndGeneration(id string) {
	m.mu.Lock()
	if s, ok := m.sessions[id]; ok {
		s.generating = false
		s.LastActivity = m.now()
	}
	m.mu.Unlock()
}

// Get returns a copy of the session state.
func (m *Manager) Get(id string) (Info, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok {
		return Info{}, false
	}
	return s.info(), true
}

// List returns copies of up to limit sessions.
func (m *Manager) List(limit int) []Info {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Info, 0, min(limit, len(m.sessions)))
	for _, s := range m.sessions {
		if len(out) == limit {
			break
		}
		out = append(out, s.info())
	}
	return out
}

// Len returns the number of tracked sessions.
func (m *Manager) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sessions)
}

// Cleanup removes sessions whose last connection closed more than ttl ago.
// Sessions with an attached connection are never removed.
func (m *Manager) Cleanup(ctx context.Context) int {
	now := m.now()
	type expired struct {
		id  string
		end time.Time
	}
	var removed []expired

	m.mu.Lock()
	for id, s := range m.sessions {
		if s.conns > 0 || s.EndTime == nil {
			continue
		}
		if now.Sub(*s.EndTime) >= m.ttl {
			removed = append(removed, expired{id, *s.EndTime})
			delete(m.sessions, id)
		}
	}
	metrics.ActiveSessions.Set(float64(len(m.sessions)))
	m.mu.Unlock()

	if m.onExpire != nil {
		for _, e := range removed {
			m.onExpire(ctx, e.id, e.end)
		}
	}
	metrics.SessionsExpired.Add(float64(len(removed)))
	return len(removed)
}

// Run calls Cleanup every interval until ctx is done.
func (m *Manager) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n := m.Cleanup(ctx); n > 0 {
				m.log.Info("expired idle sessions", "removed", n, "remaining", m.Len())
			}
		}
	}
}

func (s *Active) info() Info {
	var end *time.Time
	if s.EndTime != nil {
		t := *s.EndTime
		end = &t
	}
	return Info{
		ID: s.ID, UserID: s.UserID, StartedAt: s.StartedAt, LastActivity: s.LastActivity,
		EndTime: end, Connections: s.conns, Generating: s.generating,
	}
}
