package ws

import (
	"net/http"
	"strings"
)

// OriginPolicy is the browser-origin allow-list shared by the CORS
// middleware and the WebSocket upgrader. It is built once at startup and
// never modified, so concurrent reads need no lock.
type OriginPolicy struct {
	allowed map[string]struct{}
}

// NewOriginPolicy normalises origins to lower-case scheme://host[:port].
func NewOriginPolicy(origins []string) *OriginPolicy {
	m := make(map[string]struct{}, len(origins))
	for _, o := range origins {
		m[strings.ToLower(strings.TrimRight(o, "/"))] = struct{}{}
	}
	return &OriginPolicy{allowed: m}
}

// Allowed reports whether origin is on the list.
func (p *OriginPolicy) Allowed(origin string) bool {
	_, ok := p.allowed[strings.ToLower(origin)]
	return ok
}

// CheckUpgrade is the websocket.Upgrader CheckOrigin hook. Requests without
// an Origin header come from non-browser clients, which cannot be driven by
// a third-party page; they still need a valid connection ticket.
func (p *OriginPolicy) CheckUpgrade(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	return p.Allowed(origin)
}
