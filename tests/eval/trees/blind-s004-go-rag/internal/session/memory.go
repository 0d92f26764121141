// Package session keeps short-term conversation memory and login sessions in
// Redis.
package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/profileagent/rag-agent/internal/llm"
)

// ErrNoSession is returned when a session id is unknown or expired.
var ErrNoSession = errors.New("session not found")

// Options configures the Redis connection.
type Options struct {
	Addr     string
	Password string
	DB       int
}

// NewRedis creates a client with explicit timeouts and pool sizing.
func NewRedis(opts Options) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr:         opts.Addr,
		Password:     opts.Password,
		DB:           opts.DB,
		DialTimeout:  3 * time.Second,
		ReadTimeout:  2 * time.Second,
		WriteTimeout: 2 * time.Second,
		PoolSize:     32,
		PoolTimeout:  4 * time.Second,
	})
}

// Memory stores the rolling chat history per conversation and login
// sessions.
type Memory struct {
	rdb        *redis.Client
	sessionTTL time.Duration
	window     int
}

// NewMemory returns a Memory using rdb.
func NewMemory(rdb *redis.Client, sessionTTL time.Duration, window int) *Memory {
	return &Memory{rdb: rdb, sessionTTL: sessionTTL, window: window}
}

func historyKey(conversationID string) string { return "history:" + conversationID }
func sessionKey(id string) string             { return "session:" + id }

// Append records a message in the conversation's history list.
func (m *Memory) Append(ctx context.Context, conversationID string, msg llm.Message) error {
	raw, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("encode history message: %w", err)
	}
	if err := m.rdb.RPush(ctx, historyKey(conversationID), raw).Err(); err != nil {
		return fmt.Errorf("push history for %s: %w", conversationID, err)
	}
	return nil
}

// History returns the last window messages of a conversation.
func (m *Memory) History(ctx context.Context, conversationID string) ([]llm.Message, error) {
	items, err := m.rdb.LRange(ctx, historyKey(conversationID), int64(-m.window), -1).Result()
	if err != nil {
		return nil, fmt.Errorf("load history for %s: %w", conversationID, err)
	}
	out := make([]llm.Message, 0, len(items))
	for _, it := range items {
		var msg llm.Message
		if err := json.Unmarshal([]byte(it), &msg); err != nil {
			continue
		}
		out = append(out, msg)
	}
	return out, nil
}

// Session is the server-side state behind a bearer token.
type Session struct {
	UserID    string    `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
}

// PutSession stores a login session with the configured TTL.
func (m *Memory) PutSession(ctx context.Context, id string, s Session) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	if err := m.rdb.Set(ctx, sessionKey(id), raw, m.sessionTTL).Err(); err != nil {
		return fmt.Errorf("store session: %w", err)
	}
	return nil
}

// GetSession loads a session and slides its expiry.
func (m *Memory) GetSession(ctx context.Context, id string) (*Session, error) {
	pipe := m.rdb.TxPipeline()
	get := pipe.Get(ctx, sessionKey(id))
	pipe.Expire(ctx, sessionKey(id), m.sessionTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		if errors.Is(err, redis.Nil) {
			return nil, ErrNoSession
		}
		return nil, fmt.Errorf("load session: %w", err)
	}
	var s Session
	if err := json.Unmarshal([]byte(get.Val()), &s); err != nil {
		return nil, fmt.Errorf("decode session: %w", err)
	}
	return &s, nil
}

// DeleteSession removes a session (logout).
func (m *Memory) DeleteSession(ctx context.Context, id string) error {
	return m.rdb.Del(ctx, sessionKey(id)).Err()
}

// Ping checks Redis connectivity.
func (m *Memory) Ping(ctx context.Context) error {
	return m.rdb.Ping(ctx).Err()
}
