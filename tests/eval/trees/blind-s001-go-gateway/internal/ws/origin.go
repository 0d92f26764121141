package ws

import (
	"net/http"
	"strings"
	"sync"
)

// OriginChecker holds the browser origins allowed to open a socket; admins can add more at runtime.
type OriginChecker struct {
	mu      sync.RWMutex
	allowed map[string]struct{}
}

func NewOriginChecker(origins []string) *OriginChecker {
	o := &OriginChecker{allowed: make(map[string]struct{}, len(origins))}
	for _, origin := range origins {
		o.allowed[normalizeOrigin(origin)] = struct{}{}
	}
	return o
}

func (o *OriginChecker) Add(origin string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.allowed[normalizeOrigin(origin)] = struct{}{}
}

// checkOrigin is used as the websocket.Upgrader CheckOrigin hook.
func (o *OriginChecker) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		// Native (non-browser) clients do not send an Origin header.
		return true
	}
	if len(o.allowed) == 0 {
		return true
	}
	_, ok := o.allowed[normalizeOrigin(origin)]
	return ok
}

func normalizeOrigin(origin string) string {
	return strings.TrimRight(strings.ToLower(strings.TrimSpace(origin)), "/")
}
