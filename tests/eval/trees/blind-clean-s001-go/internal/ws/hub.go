package ws

import (
	"context"
	"errors"
	"sync"

	"github.com/gorilla/websocket"

	"github.com/northwind-labs/convo-gateway/internal/metrics"
)

var (
	ErrHubFull      = errors.New("ws: connection limit reached")
	ErrUserLimit    = errors.New("ws: per-user connection limit reached")
	ErrShuttingDown = errors.New("ws: server shutting down")
)

// Hub tracks open connections. net/http's Server.Shutdown does not know
// about hijacked connections, so the hub closes them itself.
type Hub struct {
	max        int
	maxPerUser int

	mu       sync.Mutex
	conns    map[*Conn]struct{}
	perUser  map[string]int
	pending  int
	draining bool
}

func NewHub(max, maxPerUser int) *Hub {
	return &Hub{
		max:        max,
		maxPerUser: maxPerUser,
		conns:      make(map[*Conn]struct{}),
		perUser:    make(map[string]int),
	}
}

// Reserve checks limits for userID and counts a slot before the upgrade, so
// rejected clients get an HTTP error instead of an immediately-closed
// socket. Release must be called if the upgrade then fails.
func (h *Hub) Reserve(userID string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.draining:
		return ErrShuttingDown
	case len(h.conns)+h.pending >= h.max:
		return ErrHubFull
	case h.perUser[userID] >= h.maxPerUser:
		return ErrUserLimit
	}
	h.perUser[userID]++
	h.pending++
	return nil
}

// Release undoes a Reserve whose upgrade failed.
func (h *Hub) Release(userID string) {
	h.mu.Lock()
	h.decLocked(userID)
	h.pending--
	h.mu.Unlock()
}

// Add turns a reservation into a tracked connection. It fails if shutdown
// started in between, in which case the caller closes the socket.
func (h *Hub) Add(c *Conn) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pending--
	if h.draining {
		h.decLocked(c.userID)
		return ErrShuttingDown
	}
	h.conns[c] = struct{}{}
	metrics.WSConnections.Set(float64(len(h.conns)))
	return nil
}

// Remove forgets c and frees its per-user slot.
func (h *Hub) Remove(c *Conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.conns[c]; !ok {
		return
	}
	delete(h.conns, c)
	h.decLocked(c.userID)
	metrics.WSConnections.Set(float64(len(h.conns)))
}

func (h *Hub) decLocked(key string) {
	if h.perUser[key] <= 1 {
		delete(h.perUser, key)
	} else {
		h.perUser[key]--
	}
}

// Count returns the number of open connections.
func (h *Hub) Count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// CloseSession closes every connection joined to sessionID and returns how
// many there were.
func (h *Hub) CloseSession(sessionID, reason string) int {
	var targets []*Conn
	h.mu.Lock()
	for c := range h.conns {
		if c.SessionID() == sessionID {
			targets = append(targets, c)
		}
	}
	h.mu.Unlock()
	for _, c := range targets {
		c.Close(websocket.ClosePolicyViolation, reason, errors.New("ws: session terminated"))
	}
	return len(targets)
}

// Shutdown stops accepting connections, asks every client to go away, and
// waits for their writers to finish in parallel. Connections still open
// when ctx expires are closed without a handshake.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.draining = true
	conns := make([]*Conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()

	for _, c := range conns {
		c.CancelGeneration()
		c.Close(websocket.CloseGoingAway, "server restarting", ErrShuttingDown)
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	forced := 0
	for _, c := range conns {
		wg.Add(1)
		go func(c *Conn) {
			defer wg.Done()
			select {
			case <-c.Done():
			case <-ctx.Done():
				c.forceClose()
				mu.Lock()
				forced++
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	if forced > 0 {
		return errors.Join(ctx.Err(), errors.New("ws: some connections were closed without a handshake"))
	}
	return nil
}
