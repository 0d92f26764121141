// Command server runs the MacroLens economic data API.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"time"

	"golang.org/x/time/rate"

	"github.com/macrolens/econ-api/internal/api"
	"github.com/macrolens/econ-api/internal/cache"
	"github.com/macrolens/econ-api/internal/config"
	"github.com/macrolens/econ-api/internal/db"
	"github.com/macrolens/econ-api/internal/fred"
	"github.com/macrolens/econ-api/internal/logging"
	"github.com/macrolens/econ-api/internal/service"
	"github.com/macrolens/econ-api/internal/store"
	"github.com/macrolens/econ-api/internal/worker"
)

func main() {
	if err := run(); err != nil {
		slog.Error("fatal", "err", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.Load()
	if err != nil {
		return fmt.Errorf("load config: %w", err)
	}
	logger := logging.New(cfg)
	if err := cfg.Validate(logger); err != nil {
		return fmt.Errorf("invalid configuration: %w", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	pool, err := db.Connect(ctx, cfg, logger)
	if err != nil {
		return fmt.Errorf("database init: %w", err)
	}
	defer pool.Close()

	if err := store.Migrate(ctx, pool, logger); err != nil {
		logger.Error("migrations failed, continuing with existing schema", "err", err)
	}

	rdb, err := cache.NewClient(ctx, cfg, logger)
	if err != nil {
		return fmt.Errorf("redis init: %w", err)
	}
	defer rdb.Close()

	st := store.New(pool)
	c := cache.New(rdb, cfg.CacheTTL)

	// One limiter for the whole process; FRED's budget is per API key.
	fredLimiter := rate.NewLimiter(rate.Limit(float64(cfg.FREDRateLimitPerMinute)/60.0), 5)
	fredCfg := cfg.FRED()
	newFRED := func() *fred.Client {
		fredCfg.APIKey = os.Getenv("FRED_API_KEY")
		return fred.NewClient(fredCfg, fredLimiter, logger)
	}

	svc := service.NewSeriesService(st, c, newFRED, logger)
	refresher := worker.NewRefresher(svc, cfg.TrackedSeries, cfg.RefreshInterval, logger)

	router := api.NewRouter(api.Deps{
		Config:    cfg,
		Logger:    logger,
		Store:     st,
		Cache:     c,
		Series:    svc,
		Refresher: refresher,
	})

	srv := &http.Server{
		Addr:              ":" + cfg.Port,
		Handler:           router,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}

	go refresher.Run(ctx)

	serveErr := make(chan error, 1)
	go func() {
		logger.Info("http server listening", "addr", srv.Addr, "environment", cfg.Environment)
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			serveErr <- err
		}
		close(serveErr)
	}()

	select {
	case <-ctx.Done():
		logger.Info("shutdown signal received")
	case err := <-serveErr:
		if err != nil {
			return fmt.Errorf("http server: %w", err)
		}
	}

	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		logger.Error("graceful shutdown incomplete", "err", err)
		return err
	}
	logger.Info("server stopped")
	return nil
}
