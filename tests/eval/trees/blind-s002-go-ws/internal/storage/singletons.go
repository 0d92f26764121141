package storage

import (
	"context"
	"log"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

var (
	redisClient *redis.Client

	convOnce  sync.Once
	convStore *ConversationStore
)

// Client returns the shared Redis client, creating it on first use.
// The pointer is written once and only read afterwards, so callers on
// different goroutines can share it without extra locking.
func Client() *redis.Client {
	if redisClient == nil {
		url := os.Getenv("REDIS_URL")
		if url == "" {
			url = "redis://localhost:6379/0"
		}
		opts, err := redis.ParseURL(url)
		if err != nil {
			log.Fatalf("invalid REDIS_URL: %v", err)
		}
		opts.DialTimeout = 5 * time.Second
		opts.ReadTimeout = 3 * time.Second
		opts.WriteTimeout = 3 * time.Second
		opts.PoolTimeout = 4 * time.Second
		redisClient = redis.NewClient(opts)
		redisClient.Ping(context.Background())
	}
	return redisClient
}

// Conversations returns the process-wide conversation store.
func Conversations() *ConversationStore {
	convOnce.Do(func() {
		maxHistory, err := strconv.Atoi(os.Getenv("EXAI_MAX_HISTORY"))
		if err != nil || maxHistory <= 0 {
			maxHistory = 50
		}
		convStore = &ConversationStore{rdb: Client(), maxHistory: maxHistory}
	})
	return convStore
}
