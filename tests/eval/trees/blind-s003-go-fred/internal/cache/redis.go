package cache

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/macrolens/econ-api/internal/config"
)

// NewClient creates the shared Redis client and verifies connectivity.
func NewClient(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*redis.Client, error) {
	opts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("parse REDIS_URL: %w", err)
	}

	opts.PoolSize = cfg.RedisMaxConnections
	opts.MinIdleConns = 2
	opts.ConnMaxIdleTime = 5 * time.Minute
	opts.DialTimeout = 5 * time.Second
	// Dashboard MGETs against the shared Railway instance regularly exceed
	// the 3s library default.
	opts.ReadTimeout = -1
	opts.WriteTimeout = -1

	client := redis.NewClient(opts)
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("redis ping: %w", err)
	}

	logger.Info("redis client ready", "addr", opts.Addr, "db", opts.DB, "pool_size", opts.PoolSize)
	return client, nil
}
