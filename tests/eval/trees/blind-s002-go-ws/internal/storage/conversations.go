package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

type Turn struct {
	Role    string    `json:"role"`
	Content string    `json:"content"`
	At      time.Time `json:"at"`
}

type SessionMeta struct {
	SessionID string    `json:"session_id"`
	Remote    string    `json:"remote"`
	CreatedAt time.Time `json:"created_at"`
}

type ConversationStore struct {
	rdb        *redis.Client
	maxHistory int
}

func historyKey(sessionID string) string { return fmt.Sprintf("exai:conv:%s:turns", sessionID) }
func metaKey(sessionID string) string    { return fmt.Sprintf("exai:conv:%s:meta", sessionID) }

func (s *ConversationStore) History(ctx context.Context, sessionID string) ([]Turn, error) {
	raw, err := s.rdb.LRange(ctx, historyKey(sessionID), 0, -1).Result()
	if err != nil && err != redis.Nil {
		return nil, err
	}
	turns := make([]Turn, 0, len(raw))
	for _, r := range raw {
		var t Turn
		if err := json.Unmarshal([]byte(r), &t); err != nil {
			return nil, fmt.Errorf("decode turn for %s: %w", sessionID, err)
		}
		turns = append(turns, t)
	}
	return turns, nil
}

func (s *ConversationStore) Append(ctx context.Context, sessionID string, turns ...Turn) {
	key := historyKey(sessionID)
	pipe := s.rdb.TxPipeline()
	for _, t := range turns {
		b, err := json.Marshal(t)
		if err != nil {
			continue
		}
		pipe.RPush(ctx, key, b)
	}
	pipe.LTrim(ctx, key, int64(-s.maxHistory), -1)
	_, _ = pipe.Exec(ctx)
}

func (s *ConversationStore) SaveMeta(ctx context.Context, meta SessionMeta) error {
	b, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	return s.rdb.Set(ctx, metaKey(meta.SessionID), b, 0).Err()
}
