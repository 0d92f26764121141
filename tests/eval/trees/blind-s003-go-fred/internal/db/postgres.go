// Package db owns the PostgreSQL connection pool.
package db

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/macrolens/econ-api/internal/config"
)

// Connect builds the pgx pool. Pool sizing depends on the environment: in
// production we keep a warm pool sized from configuration, elsewhere the pool
// is kept tiny so several local services can share one Postgres container.
func Connect(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*pgxpool.Pool, error) {
	poolCfg, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}

	if cfg.IsProduction() {
		poolCfg.MaxConns = cfg.DBMaxConns
		poolCfg.MinConns = cfg.DBMinConns
		poolCfg.MaxConnLifetime = 30 * time.Minute
		poolCfg.MaxConnIdleTime = 5 * time.Minute
		poolCfg.HealthCheckPeriod = time.Minute
	} else {
		poolCfg.MaxConns = 2
		poolCfg.MinConns = 0
		poolCfg.MaxConnIdleTime = 30 * time.Second
	}

	poolCfg.ConnConfig.RuntimeParams["application_name"] = "macrolens-api"
	poolCfg.ConnConfig.RuntimeParams["timezone"] = "UTC"

	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return nil, fmt.Errorf("create pool: %w", err)
	}

	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping postgres: %w", err)
	}

	logger.Info("postgres pool ready",
		"environment", cfg.Environment,
		"max_conns", poolCfg.MaxConns,
		"min_conns", poolCfg.MinConns,
	)
	return pool, nil
}
