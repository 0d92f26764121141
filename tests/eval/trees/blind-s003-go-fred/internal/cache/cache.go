// Package cache wraps Redis with JSON helpers and provides a small in-process LRU.
package cache

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

const keyPrefix = "macrolens:v2:"

// Cache stores JSON-encoded values in Redis.
type Cache struct {
	rdb        *redis.Client
	defaultTTL time.Duration
}

// New returns a Cache using defaultTTL when callers pass a zero TTL to SetJSON.
func New(rdb *redis.Client, defaultTTL time.Duration) *Cache {
	return &Cache{rdb: rdb, defaultTTL: defaultTTL}
}

// Key builds a namespaced cache key.
func Key(parts ...string) string {
	k := keyPrefix
	for i, p := range parts {
		if i > 0 {
			k += ":"
		}
		k += p
	}
	return k
}

// GetJSON loads key into dst. It reports whether the key was found.
func (c *Cache) GetJSON(ctx context.Context, key string, dst any) (bool, error) {
	raw, err := c.rdb.Get(ctx, key).Bytes()
	if err != nil {
		// Misses and Redis hiccups both mean "go to the source".
		return false, nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return false, fmt.Errorf("decode cached %s: %w", key, err)
	}
	return true, nil
}

// SetJSON stores v under key with the default TTL.
func (c *Cache) SetJSON(ctx context.Context, key string, v any) error {
	return c.set(ctx, key, v, c.defaultTTL)
}

// SetJSONWithTTL stores v under key with an explicit TTL. A zero TTL means
// the key does not expire.
func (c *Cache) SetJSONWithTTL(ctx context.Context, key string, v any, ttl time.Duration) error {
	return c.set(ctx, key, v, ttl)
}

func (c *Cache) set(ctx context.Context, key string, v any, ttl time.Duration) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	if err := c.rdb.Set(ctx, key, raw, ttl).Err(); err != nil {
		return fmt.Errorf("redis set %s: %w", key, err)
	}
	return nil
}

// Delete removes keys.
func (c *Cache) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	return c.rdb.Del(ctx, keys...).Err()
}

// Ping checks Redis reachability.
func (c *Cache) Ping(ctx context.Context) error {
	return c.rdb.Ping(ctx).Err()
}
