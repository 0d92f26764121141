// Package logging configures the process-wide slog logger.
package logging

import (
	"log/slog"
	"os"
	"strings"

	"github.com/macrolens/econ-api/internal/config"
)

// New returns a logger configured from cfg. Production logs are JSON so
// Railway's log explorer can parse fields; elsewhere they are human-readable.
func New(cfg *config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{
		Level:     parseLevel(cfg.LogLevel),
		AddSource: cfg.Debug,
	}

	var h slog.Handler
	if cfg.IsProduction() {
		h = slog.NewJSONHandler(os.Stdout, opts)
	} else {
		h = slog.NewTextHandler(os.Stdout, opts)
	}
	logger := slog.New(h).With("service", "macrolens-api", "env", cfg.Environment)
	slog.SetDefault(logger)
	return logger
}

func parseLevel(s string) slog.Level {
	switch strings.ToUpper(s) {
	case "DEBUG":
		return slog.LevelDebug
	case "WARN", "WARNING":
		return slog.LevelWarn
	case "ERROR":
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}
