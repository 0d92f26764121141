package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config holds all runtime settings. Values come from the environment.
type Config struct {
	Port            string
	MongoURI        string
	MongoDatabase   string
	JWTSecret       string
	JWTTTL          time.Duration
	LLMBaseURL      string
	LLMAPIKey       string
	LLMModel        string
	AllowedOrigins  []string
	LoginRateLimit  int
	ShutdownTimeout time.Duration
}

// Load reads the configuration from the environment.
func Load() (*Config, error) {
	cfg := &Config{
		Port:           getEnv("PORT", "8080"),
		MongoURI:       os.Getenv("MONGO_URI"),
		MongoDatabase:  getEnv("MONGO_DATABASE", "tutor"),
		JWTSecret:      getEnv("JWT_SECRET", "lumen-dev-secret"),
		LLMBaseURL:     getEnv("LLM_BASE_URL", "https://api.openai.com/v1"),
		LLMAPIKey:      os.Getenv("LLM_API_KEY"),
		LLMModel:       getEnv("LLM_MODEL", "gpt-4o-mini"),
		AllowedOrigins: splitList(os.Getenv("ALLOWED_ORIGINS")),
	}
	if cfg.MongoURI == "" {
		return nil, errors.New("MONGO_URI must be set")
	}

	var err error
	if cfg.JWTTTL, err = getDuration("JWT_TTL", 24*time.Hour); err != nil {
		return nil, err
	}
	if cfg.ShutdownTimeout, err = getDuration("SHUTDOWN_TIMEOUT", 15*time.Second); err != nil {
		return nil, err
	}
	if cfg.LoginRateLimit, err = strconv.Atoi(getEnv("LOGIN_RATE_LIMIT", "10")); err != nil {
		return nil, fmt.Errorf("LOGIN_RATE_LIMIT: %w", err)
	}
	return cfg, nil
}

func getEnv(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

func getDuration(key string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s: invalid duration %q: %w", key, v, err)
	}
	return d, nil
}

func splitList(v string) []string {
	var out []string
	for _, part := range strings.Split(v, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}
