package config

import (
	"errors"
	"log/slog"
	"net/url"
	"strings"
)

// Validate checks the loaded configuration for settings that would break the
// service or are unsafe. Hard failures are returned as an error; softer
// problems are logged.
func (c *Config) Validate(logger *slog.Logger) error {
	var errs []error

	switch c.Environment {
	case "development", "staging", "production", "test":
	default:
		errs = append(errs, errors.New("ENVIRONMENT must be one of development, staging, production, test"))
	}

	if c.FREDAPIKey == "" {
		errs = append(errs, errors.New("FRED_API_KEY is required"))
	} else if len(c.FREDAPIKey) != 32 {
		errs = append(errs, errors.New("FRED_API_KEY must be a 32 character key"))
	}

	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		errs = append(errs, errors.New("DATABASE_URL must be a postgres:// URL"))
	}
	if !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		errs = append(errs, errors.New("REDIS_URL must use redis:// or rediss://"))
	}

	if c.DBMaxConns < 1 || c.DBMinConns < 0 || c.DBMinConns > c.DBMaxConns {
		errs = append(errs, errors.New("DB_POOL_SIZE / DB_MIN_CONNS are inconsistent"))
	}

	if c.IsProduction() {
		if len(c.SecretKey) < 32 {
			errs = append(errs, errors.New("SECRET_KEY must be at least 32 characters in production"))
		}
		if c.Debug {
			errs = append(errs, errors.New("DEBUG must be false in production"))
		}
		if c.LogLevel == "DEBUG" {
			logger.Warn("LOG_LEVEL=DEBUG in production will be very noisy")
		}
	}

	for _, origin := range c.CORSOrigins {
		if strings.Contains(origin, "localhost") || strings.Contains(origin, "127.0.0.1") {
			if c.IsProduction() {
				logger.Warn("CORS_ORIGINS contains a local origin", "origin", origin)
			}
		}
	}

	return errors.Join(errs...)
}
