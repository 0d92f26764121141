// Package config loads service configuration from the environment.
package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the fully resolved runtime configuration.
type Config struct {
	Environment string
	Debug       bool
	Port        string
	LogLevel    string

	DatabaseURL string
	DBMaxConns  int32
	DBMinConns  int32

	RedisURL            string
	RedisMaxConnections int
	CacheTTL            time.Duration

	SecretKey  string
	AdminToken string

	FREDAPIKey             string
	FREDBaseURL            string
	FREDTimeout            time.Duration
	FREDMaxRetries         int
	FREDRateLimitPerMinute int

	CORSOrigins []string

	RefreshInterval time.Duration
	TrackedSeries   []string

	ShutdownTimeout time.Duration
}

// FREDConfig is the subset of settings the FRED client needs.
type FREDConfig struct {
	APIKey     string
	BaseURL    string
	Timeout    time.Duration
	MaxRetries int
}

// Load reads configuration from environment variables, applying defaults
// where a variable is unset.
func Load() (*Config, error) {
	cfg := &Config{
		Environment: strings.ToLower(getEnv("ENVIRONMENT", "development")),
		Debug:       getBool("DEBUG", false),
		Port:        getEnv("PORT", "8000"),
		LogLevel:    strings.ToUpper(getEnv("LOG_LEVEL", "INFO")),

		DatabaseURL: os.Getenv("DATABASE_URL"),
		DBMaxConns:  int32(getInt("DB_POOL_SIZE", 10)),
		DBMinConns:  int32(getInt("DB_MIN_CONNS", 2)),

		RedisURL:            getEnv("REDIS_URL", "redis://localhost:6379/0"),
		RedisMaxConnections: getInt("REDIS_MAX_CONNECTIONS", 10),
		CacheTTL:            getDuration("CACHE_TTL", 15*time.Minute),

		SecretKey:  getEnv("SECRET_KEY", "dev-secret-key-change-me"),
		AdminToken: os.Getenv("ADMIN_TOKEN"),

		FREDAPIKey:             os.Getenv("FRED_API_KEY"),
		FREDBaseURL:            getEnv("FRED_BASE_URL", "https://api.stlouisfed.org/fred"),
		FREDTimeout:            getDuration("FRED_API_TIMEOUT", 30*time.Second),
		FREDMaxRetries:         getInt("FRED_MAX_RETRIES", 3),
		FREDRateLimitPerMinute: getInt("FRED_RATE_LIMIT_PER_MINUTE", 120),

		CORSOrigins: splitList(getEnv("CORS_ORIGINS", "http://localhost:3000")),

		RefreshInterval: getDuration("REFRESH_INTERVAL", time.Hour),
		TrackedSeries: splitList(getEnv("TRACKED_SERIES",
			"GDP,UNRATE,CPIAUCSL,FEDFUNDS,DGS10,DGS2,T10Y2Y,PAYEMS,INDPRO,HOUST")),

		ShutdownTimeout: getDuration("SHUTDOWN_TIMEOUT", 20*time.Second),
	}

	if cfg.DatabaseURL == "" {
		return nil, errors.New("DATABASE_URL is required")
	}
	if cfg.FREDRateLimitPerMinute <= 0 {
		return nil, fmt.Errorf("FRED_RATE_LIMIT_PER_MINUTE must be positive, got %d", cfg.FREDRateLimitPerMinute)
	}
	return cfg, nil
}

// IsProduction reports whether the service runs in the production environment.
func (c *Config) IsProduction() bool {
	return c.Environment == "production"
}

// FRED returns the FRED client settings.
func (c *Config) FRED() FREDConfig {
	return FREDConfig{
		APIKey:     c.FREDAPIKey,
		BaseURL:    strings.TrimRight(c.FREDBaseURL, "/"),
		Timeout:    c.FREDTimeout,
		MaxRetries: c.FREDMaxRetries,
	}
}

func getEnv(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

func getInt(key string, def int) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def
	}
	return n
}

func getBool(key string, def bool) bool {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def
	}
	return b
}

func getDuration(key string, def time.Duration) time.Duration {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	if d, err := time.ParseDuration(v); err == nil {
		return d
	}
	// Allow plain integers as seconds, matching the old Python settings.
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(n) * time.Second
	}
	return def
}

func splitList(s string) []string {
	parts := strings.Split(s, ",")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
