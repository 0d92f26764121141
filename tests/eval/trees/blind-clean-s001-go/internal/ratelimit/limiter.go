// Package ratelimit implements keyed token-bucket limiters with idle-key
// eviction and a hard cap on tracked keys.
package ratelimit

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/northwind-labs/convo-gateway/internal/metrics"
)

// Limiter allows Limit events per Window for each key, with bursts up to
// Limit. Keys idle for longer than one window are evicted by Run.
type Limiter struct {
	name    string
	limit   rate.Limit
	burst   int
	window  time.Duration
	maxKeys int
	now     func() time.Time

	mu   sync.Mutex
	keys map[string]*entry

	// overflow is shared by all new keys once maxKeys is reached, so a flood
	// of distinct keys degrades to one global bucket instead of growing the
	// map or locking out existing clients.
	overflow *rate.Limiter
}

type entry struct {
	lim      *rate.Limiter
	lastSeen time.Time
}

// New builds a limiter allowing limit events per window per key.
func New(name string, limit int, window time.Duration, maxKeys int) *Limiter {
	per := rate.Every(window / time.Duration(limit))
	return &Limiter{
		name:     name,
		limit:    per,
		burst:    limit,
		window:   window,
		maxKeys:  maxKeys,
		now:      time.Now,
		keys:     make(map[string]*entry),
		overflow: rate.NewLimiter(per, limit),
	}
}

// Allow reports whether an event for key may proceed now. When it may not,
// retryAfter is how long the caller should wait before trying again.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := l.now()

	l.mu.Lock()
	e, found := l.keys[key]
	var lim *rate.Limiter
	switch {
	case found:
		e.lastSeen = now
		lim = e.lim
	case len(l.keys) < l.maxKeys:
		e = &entry{lim: rate.NewLimiter(l.limit, l.burst), lastSeen: now}
		l.keys[key] = e
		lim = e.lim
	default:
		lim = l.overflow
	}
	l.mu.Unlock()

	r := lim.ReserveN(now, 1)
	if !r.OK() {
		metrics.RateLimited.WithLabelValues(l.name).Inc()
		return false, l.window
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		metrics.RateLimited.WithLabelValues(l.name).Inc()
		return false, d
	}
	return true, 0
}

// RetryAfterSeconds rounds d up to whole seconds for the Retry-After header.
func RetryAfterSeconds(d time.Duration) int {
	s := int(math.Ceil(d.Seconds()))
	if s < 1 {
		return 1
	}
	return s
}

// Len returns the number of tracked keys.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// Sweep removes keys that have been idle for at least one window. An idle
// key's bucket is full again by then, so dropping it changes no decision.
func (l *Limiter) Sweep() int {
	cutoff := l.now().Add(-l.window)
	l.mu.Lock()
	removed := 0
	for k, e := range l.keys {
		if e.lastSeen.Before(cutoff) {
			delete(l.keys, k)
			removed++
		}
	}
	remaining := len(l.keys)
	l.mu.Unlock()
	metrics.RateLimiterKeys.WithLabelValues(l.name).Set(float64(remaining))
	return removed
}

// Run sweeps idle keys every interval until ctx is cancelled.
func (l *Limiter) Run(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n := l.Sweep(); n > 0 {
				log.Debug("rate limiter sweep", "limiter", l.name, "removed", n)
			}
		}
	}
}
