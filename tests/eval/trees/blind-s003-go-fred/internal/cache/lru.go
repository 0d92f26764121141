package cache

import (
	"container/list"
	"sync"
	"time"
)

// LRU is a size-bounded, TTL-aware in-process cache. It is safe for
// concurrent use.
type LRU[K comparable, V any] struct {
	mu      sync.Mutex
	cap     int
	ttl     time.Duration
	ll      *list.List
	entries map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key     K
	val     V
	expires time.Time
}

// NewLRU creates an LRU holding at most capacity entries, each valid for ttl.
func NewLRU[K comparable, V any](capacity int, ttl time.Duration) *LRU[K, V] {
	if capacity < 1 {
		capacity = 1
	}
	return &LRU[K, V]{
		cap:     capacity,
		ttl:     ttl,
		ll:      list.New(),
		entries: make(map[K]*list.Element, capacity),
	}
}

// Get returns the value for key if present and not expired.
func (c *LRU[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()

	var zero V
	el, ok := c.entries[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*lruEntry[K, V])
	if time.Now().After(e.expires) {
		c.ll.Remove(el)
		delete(c.entries, key)
		return zero, false
	}
	c.ll.MoveToFront(el)
	return e.val, true
}

// Add inserts or replaces key, evicting the least recently used entry when full.
func (c *LRU[K, V]) Add(key K, val V) {
	c.mu.Lock()
	defer c.mu.Unlock()

	exp := time.Now().Add(c.ttl)
	if el, ok := c.entries[key]; ok {
		e := el.Value.(*lruEntry[K, V])
		e.val, e.expires = val, exp
		c.ll.MoveToFront(el)
		return
	}
	el := c.ll.PushFront(&lruEntry[K, V]{key: key, val: val, expires: exp})
	c.entries[key] = el
	for c.ll.Len() > c.cap {
		oldest := c.ll.Back()
		c.ll.Remove(oldest)
		delete(c.entries, oldest.Value.(*lruEntry[K, V]).key)
	}
}

// Len returns the number of cached entries.
func (c *LRU[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
