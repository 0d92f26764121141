package ws

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
	"time"
)

var (
	ErrTicketInvalid = errors.New("ws: ticket invalid or expired")
	ErrTicketsFull   = errors.New("ws: too many outstanding tickets")
)

// TicketStore hands out single-use, short-lived tokens that a browser puts
// in the WebSocket URL, because browsers cannot set an Authorization header
// on the upgrade request. A ticket is bound to the user that requested it
// and is deleted on first use.
type TicketStore struct {
	ttl     time.Duration
	max     int
	perUser int
	now     func() time.Time

	mu      sync.Mutex
	tickets map[string]ticket
	byUser  map[string]int
}

type ticket struct {
	userID  string
	expires time.Time
}

func NewTicketStore(ttl time.Duration, max, perUser int) *TicketStore {
	return &TicketStore{
		ttl:     ttl,
		max:     max,
		perUser: perUser,
		now:     time.Now,
		tickets: make(map[string]ticket),
		byUser:  make(map[string]int),
	}
}

// Issue creates a ticket for userID.
func (s *TicketStore) Issue(userID string) (string, time.Time, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, err
	}
	id := base64.RawURLEncoding.EncodeToString(raw)
	exp := s.now().Add(s.ttl)

	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tickets) >= s.max || s.byUser[userID] >= s.perUser {
		s.sweepLocked()
		if len(s.tickets) >= s.max || s.byUser[userID] >= s.perUser {
			return "", time.Time{}, ErrTicketsFull
		}
	}
	s.tickets[id] = ticket{userID: userID, expires: exp}
	s.byUser[userID]++
	return id, exp, nil
}

// Redeem consumes the ticket and returns its user.
func (s *TicketStore) Redeem(id string) (string, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tickets[id]
	if !ok {
		return "", ErrTicketInvalid
	}
	s.removeLocked(id, t)
	if now.After(t.expires) {
		return "", ErrTicketInvalid
	}
	return t.userID, nil
}

func (s *TicketStore) removeLocked(id string, t ticket) {
	delete(s.tickets, id)
	if s.byUser[t.userID] <= 1 {
		delete(s.byUser, t.userID)
	} else {
		s.byUser[t.userID]--
	}
}

func (s *TicketStore) sweepLocked() {
	now := s.now()
	for id, t := range s.tickets {
		if now.After(t.expires) {
			s.removeLocked(id, t)
		}
	}
}

// Run removes expired tickets every interval until ctx is done.
func (s *TicketStore) Run(ctx context.Context, interval time.Duration) {
	tk := time.NewTicker(interval)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
			s.mu.Lock()
			s.sweepLocked()
			s.mu.Unlock()
		}
	}
}
