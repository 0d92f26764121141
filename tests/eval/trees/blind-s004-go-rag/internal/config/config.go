// Package config loads service settings from the environment.
package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config holds every tunable the service reads at startup.
type Config struct {
	Environment string
	Debug       bool
	HTTPAddr    string
	LogLevel    string

	DatabaseURL string
	RedisAddr   string
	RedisPass   string
	RedisDB     int

	OpenAIBaseURL   string
	OpenAIAPIKey    string
	ChatModel       string
	EmbeddingModel  string
	EmbeddingDims   int
	LLMTimeout      time.Duration
	LLMMaxRetries   int
	ChatTemperature float64

	SecretKey      string
	TokenTTL       time.Duration
	AdminAPIKeys   []string
	AllowedOrigins []string

	SessionTTL     time.Duration
	HistoryWindow  int
	RetrievalTopK  int
	MaxUploadBytes int64

	IngestWorkers   int
	IngestQueueSize int
	SyncInterval    time.Duration
	SyncSourceDir   string
}

// Load reads configuration from environment variables, falling back to
// defaults suitable for local development.
func Load() (*Config, error) {
	cfg := &Config{
		Environment: getEnv("ENVIRONMENT", "development"),
		Debug:       getBool("DEBUG", true),
		HTTPAddr:    getEnv("HTTP_ADDR", ":8000"),
		LogLevel:    getEnv("LOG_LEVEL", "info"),

		DatabaseURL: getEnv("DATABASE_URL", "postgres://postgres:postgres@localhost:5432/profile_agent?sslmode=disable"),
		RedisAddr:   getEnv("REDIS_ADDR", "localhost:6379"),
		RedisPass:   getEnv("REDIS_PASSWORD", ""),
		RedisDB:     getInt("REDIS_DB", 0),

		OpenAIBaseURL:   getEnv("OPENAI_BASE_URL", "https://api.openai.com/v1"),
		OpenAIAPIKey:    getEnv("OPENAI_API_KEY", ""),
		ChatModel:       getEnv("CHAT_MODEL", "gpt-4o-mini"),
		EmbeddingModel:  getEnv("EMBEDDING_MODEL", "text-embedding-3-small"),
		EmbeddingDims:   getInt("EMBEDDING_DIMS", 1536),
		LLMTimeout:      getDuration("LLM_TIMEOUT", 60*time.Second),
		LLMMaxRetries:   getInt("LLM_MAX_RETRIES", 3),
		ChatTemperature: getFloat("CHAT_TEMPERATURE", 0.2),

		SecretKey:      getEnv("SECRET_KEY", ""),
		TokenTTL:       getDuration("TOKEN_TTL", 24*time.Hour),
		AdminAPIKeys:   splitList(getEnv("ADMIN_API_KEYS", "")),
		AllowedOrigins: splitList(getEnv("ALLOWED_ORIGINS", "")),

		SessionTTL:     getDuration("SESSION_TTL", 2*time.Hour),
		HistoryWindow:  getInt("HISTORY_WINDOW", 10),
		RetrievalTopK:  getInt("RETRIEVAL_TOP_K", 5),
		MaxUploadBytes: int64(getInt("MAX_UPLOAD_BYTES", 10<<20)),

		IngestWorkers:   getInt("INGEST_WORKERS", 4),
		IngestQueueSize: getInt("INGEST_QUEUE_SIZE", 256),
		SyncInterval:    getDuration("SYNC_INTERVAL", 15*time.Minute),
		SyncSourceDir:   getEnv("SYNC_SOURCE_DIR", "./data/profiles"),
	}

	if cfg.EmbeddingDims <= 0 {
		return nil, fmt.Errorf("EMBEDDING_DIMS must be positive, got %d", cfg.EmbeddingDims)
	}
	if cfg.IngestWorkers <= 0 || cfg.IngestWorkers > 64 {
		return nil, fmt.Errorf("INGEST_WORKERS must be between 1 and 64, got %d", cfg.IngestWorkers)
	}
	if cfg.RetrievalTopK <= 0 || cfg.RetrievalTopK > 50 {
		return nil, fmt.Errorf("RETRIEVAL_TOP_K must be between 1 and 50, got %d", cfg.RetrievalTopK)
	}
	return cfg, nil
}

// IsProduction reports whether the service runs in the production environment.
func (c *Config) IsProduction() bool {
	return strings.EqualFold(c.Environment, "production")
}

func getEnv(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
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

func getFloat(key string, def float64) float64 {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return def
	}
	return f
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
	d, err := time.ParseDuration(v)
	if err != nil {
		return def
	}
	return d
}

func splitList(raw string) []string {
	if raw == "" {
		return nil
	}
	parts := strings.Split(raw, ",")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
