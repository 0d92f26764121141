// Package config loads and validates the gateway configuration from the
// environment. Every value has a production-safe default except secrets and
// connection strings, which must be supplied explicitly.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// MinJWTSecretLength is the minimum accepted length for the HMAC signing key.
const MinJWTSecretLength = 32

// weakSecretFragments are substrings that indicate a placeholder or
// human-chosen secret rather than a generated one.
var weakSecretFragments = []string{
	"secret", "password", "changeme", "change-me", "test", "example",
	"default", "123456", "qwerty", "letmein",
}

type Config struct {
	Env      string
	LogLevel string

	HTTPAddr          string
	MetricsAddr       string
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxBodyBytes      int64
	ShutdownTimeout   time.Duration
	DrainDelay        time.Duration

	AllowedOrigins []string
	TrustedProxies []string

	JWTSecret   string
	JWTIssuer   string
	JWTAudience string
	AccessTTL   time.Duration
	BcryptCost  int

	MongoURI            string
	MongoDatabase       string
	MongoMaxPoolSize    int
	MongoMinPoolSize    int
	MongoConnectTimeout time.Duration
	MongoOpTimeout      time.Duration
	MongoRetryAttempts  int
	MongoRetryDelay     time.Duration

	LLMBaseURL          string
	LLMAPIKey           string
	LLMModel            string
	LLMMaxTokens        int
	LLMStreamTimeout    time.Duration
	LLMIdleChunkTimeout time.Duration
	LLMConnectTimeout   time.Duration
	LLMHeaderTimeout    time.Duration
	LLMMaxRetries       int
	LLMMaxConcurrency   int
	LLMHistoryMessages  int

	SessionTTL             time.Duration
	SessionCleanupInterval time.Duration
	MaxActiveSessions      int

	WSMaxConnections    int
	WSMaxConnsPerUser   int
	WSMaxMessageBytes   int64
	WSMaxContentChars   int
	WSPingInterval      time.Duration
	WSPongWait          time.Duration
	WSWriteWait         time.Duration
	WSSendBuffer        int
	WSTicketTTL         time.Duration
	WSMessagesPerMinute int

	APIRateLimit             int
	APIRateWindow            time.Duration
	LoginRateLimit           int
	LoginRateWindow          time.Duration
	AdminRateLimit           int
	AdminRateWindow          time.Duration
	RateLimitCleanupInterval time.Duration
	RateLimitMaxKeys         int
}

// Load reads the configuration from the environment. It does not validate;
// call Validate before using the result.
func Load() (*Config, error) {
	p := &parser{}
	c := &Config{
		Env:      p.str("APP_ENV", "production"),
		LogLevel: p.str("LOG_LEVEL", "info"),

		HTTPAddr:          p.str("HTTP_ADDR", ":8080"),
		MetricsAddr:       p.str("METRICS_ADDR", ":9090"),
		ReadHeaderTimeout: p.dur("HTTP_READ_HEADER_TIMEOUT", 5*time.Second),
		ReadTimeout:       p.dur("HTTP_READ_TIMEOUT", 15*time.Second),
		WriteTimeout:      p.dur("HTTP_WRITE_TIMEOUT", 30*time.Second),
		IdleTimeout:       p.dur("HTTP_IDLE_TIMEOUT", 120*time.Second),
		MaxBodyBytes:      p.int64("HTTP_MAX_BODY_BYTES", 1<<20),
		ShutdownTimeout:   p.dur("SHUTDOWN_TIMEOUT", 25*time.Second),
		DrainDelay:        p.dur("SHUTDOWN_DRAIN_DELAY", 5*time.Second),

		AllowedOrigins: p.list("CORS_ALLOWED_ORIGINS"),
		TrustedProxies: p.list("TRUSTED_PROXIES"),

		JWTSecret:   os.Getenv("JWT_SECRET"),
		JWTIssuer:   p.str("JWT_ISSUER", "convo-gateway"),
		JWTAudience: p.str("JWT_AUDIENCE", "convo-clients"),
		AccessTTL:   p.dur("JWT_ACCESS_TTL", 15*time.Minute),
		BcryptCost:  p.int("BCRYPT_COST", 12),

		MongoURI:            os.Getenv("MONGO_URI"),
		MongoDatabase:       p.str("MONGO_DATABASE", "convo"),
		MongoMaxPoolSize:    p.int("MONGO_MAX_POOL_SIZE", 50),
		MongoMinPoolSize:    p.int("MONGO_MIN_POOL_SIZE", 5),
		MongoConnectTimeout: p.dur("MONGO_CONNECT_TIMEOUT", 10*time.Second),
		MongoOpTimeout:      p.dur("MONGO_OP_TIMEOUT", 5*time.Second),
		MongoRetryAttempts:  p.int("MONGO_RETRY_ATTEMPTS", 3),
		MongoRetryDelay:     p.dur("MONGO_RETRY_DELAY", 100*time.Millisecond),

		LLMBaseURL:          p.str("LLM_BASE_URL", "https://api.openai.com/v1"),
		LLMAPIKey:           os.Getenv("LLM_API_KEY"),
		LLMModel:            p.str("LLM_MODEL", "gpt-4o-mini"),
		LLMMaxTokens:        p.int("LLM_MAX_TOKENS", 1024),
		LLMStreamTimeout:    p.dur("LLM_STREAM_TIMEOUT", 120*time.Second),
		LLMIdleChunkTimeout: p.dur("LLM_IDLE_CHUNK_TIMEOUT", 30*time.Second),
		LLMConnectTimeout:   p.dur("LLM_CONNECT_TIMEOUT", 5*time.Second),
		LLMHeaderTimeout:    p.dur("LLM_RESPONSE_HEADER_TIMEOUT", 30*time.Second),
		LLMMaxRetries:       p.int("LLM_MAX_RETRIES", 2),
		LLMMaxConcurrency:   p.int("LLM_MAX_CONCURRENCY", 64),
		LLMHistoryMessages:  p.int("LLM_HISTORY_MESSAGES", 20),

		SessionTTL:             p.dur("SESSION_TTL", 15*time.Minute),
		SessionCleanupInterval: p.dur("SESSION_CLEANUP_INTERVAL", 5*time.Minute),
		MaxActiveSessions:      p.int("MAX_ACTIVE_SESSIONS", 10000),

		WSMaxConnections:    p.int("WS_MAX_CONNECTIONS", 5000),
		WSMaxConnsPerUser:   p.int("WS_MAX_CONNECTIONS_PER_USER", 5),
		WSMaxMessageBytes:   p.int64("WS_MAX_MESSAGE_BYTES", 64<<10),
		WSMaxContentChars:   p.int("WS_MAX_CONTENT_CHARS", 8000),
		WSPingInterval:      p.dur("WS_PING_INTERVAL", 25*time.Second),
		WSPongWait:          p.dur("WS_PONG_WAIT", 60*time.Second),
		WSWriteWait:         p.dur("WS_WRITE_WAIT", 10*time.Second),
		WSSendBuffer:        p.int("WS_SEND_BUFFER", 256),
		WSTicketTTL:         p.dur("WS_TICKET_TTL", 30*time.Second),
		WSMessagesPerMinute: p.int("WS_MESSAGES_PER_MINUTE", 30),

		APIRateLimit:             p.int("API_RATE_LIMIT", 120),
		APIRateWindow:            p.dur("API_RATE_WINDOW", time.Minute),
		LoginRateLimit:           p.int("LOGIN_RATE_LIMIT", 10),
		LoginRateWindow:          p.dur("LOGIN_RATE_WINDOW", 15*time.Minute),
		AdminRateLimit:           p.int("ADMIN_RATE_LIMIT", 20),
		AdminRateWindow:          p.dur("ADMIN_RATE_WINDOW", time.Minute),
		RateLimitCleanupInterval: p.dur("RATE_LIMIT_CLEANUP_INTERVAL", 5*time.Minute),
		RateLimitMaxKeys:         p.int("RATE_LIMIT_MAX_KEYS", 100000),
	}
	if err := errors.Join(p.errs...); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

// IsProduction reports whether the service runs with production semantics.
func (c *Config) IsProduction() bool { return c.Env == "production" }

// Validate checks required fields and value ranges. It returns every problem
// found rather than stopping at the first one.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	switch c.Env {
	case "production", "staging", "development":
	default:
		add("APP_ENV must be production, staging or development, got %q", c.Env)
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		add("LOG_LEVEL must be debug, info, warn or error, got %q", c.LogLevel)
	}

	if err := ValidateJWTSecret(c.JWTSecret); err != nil {
		errs = append(errs, err)
	}
	if c.AccessTTL < time.Minute || c.AccessTTL > 24*time.Hour {
		add("JWT_ACCESS_TTL must be between 1m and 24h, got %s", c.AccessTTL)
	}
	if c.BcryptCost < 10 || c.BcryptCost > 15 {
		add("BCRYPT_COST must be between 10 and 15, got %d", c.BcryptCost)
	}

	if c.MongoURI == "" {
		add("MONGO_URI is required")
	} else if u, err := url.Parse(c.MongoURI); err != nil || (u.Scheme != "mongodb" && u.Scheme != "mongodb+srv") {
		add("MONGO_URI must be a mongodb:// or mongodb+srv:// URI")
	}
	if c.MongoMaxPoolSize < 1 || c.MongoMaxPoolSize > 1000 || c.MongoMinPoolSize < 0 || c.MongoMinPoolSize > c.MongoMaxPoolSize {
		add("MONGO_MAX_POOL_SIZE must be 1..1000 and MONGO_MIN_POOL_SIZE 0..MONGO_MAX_POOL_SIZE")
	}
	if c.MongoRetryAttempts < 1 || c.MongoRetryAttempts > 10 {
		add("MONGO_RETRY_ATTEMPTS must be between 1 and 10, got %d", c.MongoRetryAttempts)
	}

	if c.LLMAPIKey == "" {
		add("LLM_API_KEY is required")
	}
	if u, err := url.Parse(c.LLMBaseURL); err != nil || u.Host == "" {
		add("LLM_BASE_URL must be an absolute URL")
	} else if c.IsProduction() && u.Scheme != "https" {
		add("LLM_BASE_URL must use https in production")
	}
	if c.LLMMaxTokens < 1 || c.LLMMaxTokens > 16384 {
		add("LLM_MAX_TOKENS must be between 1 and 16384, got %d", c.LLMMaxTokens)
	}
	if c.LLMMaxRetries < 0 || c.LLMMaxRetries > 5 {
		add("LLM_MAX_RETRIES must be between 0 and 5, got %d", c.LLMMaxRetries)
	}
	if c.LLMMaxConcurrency < 1 {
		add("LLM_MAX_CONCURRENCY must be positive")
	}
	if c.LLMHistoryMessages < 1 || c.LLMHistoryMessages > 200 {
		add("LLM_HISTORY_MESSAGES must be between 1 and 200, got %d", c.LLMHistoryMessages)
	}

	positive := map[string]time.Duration{
		"HTTP_READ_HEADER_TIMEOUT":    c.ReadHeaderTimeout,
		"HTTP_READ_TIMEOUT":           c.ReadTimeout,
		"HTTP_WRITE_TIMEOUT":          c.WriteTimeout,
		"HTTP_IDLE_TIMEOUT":           c.IdleTimeout,
		"SHUTDOWN_TIMEOUT":            c.ShutdownTimeout,
		"MONGO_CONNECT_TIMEOUT":       c.MongoConnectTimeout,
		"MONGO_OP_TIMEOUT":            c.MongoOpTimeout,
		"MONGO_RETRY_DELAY":           c.MongoRetryDelay,
		"LLM_STREAM_TIMEOUT":          c.LLMStreamTimeout,
		"LLM_IDLE_CHUNK_TIMEOUT":      c.LLMIdleChunkTimeout,
		"LLM_CONNECT_TIMEOUT":         c.LLMConnectTimeout,
		"LLM_RESPONSE_HEADER_TIMEOUT": c.LLMHeaderTimeout,
		"SESSION_TTL":                 c.SessionTTL,
		"SESSION_CLEANUP_INTERVAL":    c.SessionCleanupInterval,
		"WS_PING_INTERVAL":            c.WSPingInterval,
		"WS_PONG_WAIT":                c.WSPongWait,
		"WS_WRITE_WAIT":               c.WSWriteWait,
		"WS_TICKET_TTL":               c.WSTicketTTL,
		"API_RATE_WINDOW":             c.APIRateWindow,
		"LOGIN_RATE_WINDOW":           c.LoginRateWindow,
		"ADMIN_RATE_WINDOW":           c.AdminRateWindow,
		"RATE_LIMIT_CLEANUP_INTERVAL": c.RateLimitCleanupInterval,
	}
	for name, d := range positive {
		if d <= 0 {
			add("%s must be a positive duration, got %s", name, d)
		}
	}
	if c.DrainDelay < 0 || c.DrainDelay >= c.ShutdownTimeout {
		add("SHUTDOWN_DRAIN_DELAY must be >= 0 and shorter than SHUTDOWN_TIMEOUT")
	}
	if c.WSPingInterval >= c.WSPongWait {
		add("WS_PING_INTERVAL must be shorter than WS_PONG_WAIT")
	}
	if c.LLMIdleChunkTimeout > c.LLMStreamTimeout {
		add("LLM_IDLE_CHUNK_TIMEOUT must not exceed LLM_STREAM_TIMEOUT")
	}

	positiveInts := map[string]int{
		"MAX_ACTIVE_SESSIONS":         c.MaxActiveSessions,
		"WS_MAX_CONNECTIONS":          c.WSMaxConnections,
		"WS_MAX_CONNECTIONS_PER_USER": c.WSMaxConnsPerUser,
		"WS_MAX_CONTENT_CHARS":        c.WSMaxContentChars,
		"WS_SEND_BUFFER":              c.WSSendBuffer,
		"WS_MESSAGES_PER_MINUTE":      c.WSMessagesPerMinute,
		"API_RATE_LIMIT":              c.APIRateLimit,
		"LOGIN_RATE_LIMIT":            c.LoginRateLimit,
		"ADMIN_RATE_LIMIT":            c.AdminRateLimit,
		"RATE_LIMIT_MAX_KEYS":         c.RateLimitMaxKeys,
	}
	for name, v := range positiveInts {
		if v <= 0 {
			add("%s must be positive, got %d", name, v)
		}
	}
	if c.MaxBodyBytes <= 0 || c.MaxBodyBytes > 10<<20 {
		add("HTTP_MAX_BODY_BYTES must be between 1 and 10MiB")
	}
	if c.WSMaxMessageBytes <= 0 || c.WSMaxMessageBytes > 1<<20 {
		add("WS_MAX_MESSAGE_BYTES must be between 1 and 1MiB")
	}

	for _, o := range c.AllowedOrigins {
		if o == "*" {
			add("CORS_ALLOWED_ORIGINS must list explicit origins; '*' is not accepted")
			continue
		}
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
			add("CORS_ALLOWED_ORIGINS entry %q must be scheme://host[:port]", o)
		}
	}
	if c.IsProduction() && len(c.AllowedOrigins) == 0 {
		add("CORS_ALLOWED_ORIGINS is required in production")
	}

	return errors.Join(errs...)
}

// ValidateJWTSecret rejects short or obviously human-chosen signing keys.
func ValidateJWTSecret(secret string) error {
	if secret == "" {
		return errors.New("JWT_SECRET is required (generate one with: openssl rand -base64 48)")
	}
	if len(secret) < MinJWTSecretLength {
		return fmt.Errorf("JWT_SECRET must be at least %d characters, got %d (generate one with: openssl rand -base64 48)",
			MinJWTSecretLength, len(secret))
	}
	lower := strings.ToLower(secret)
	for _, frag := range weakSecretFragments {
		if strings.Contains(lower, frag) {
			return fmt.Errorf("JWT_SECRET contains the weak pattern %q; use a randomly generated value", frag)
		}
	}
	if distinct(secret) < 10 {
		return errors.New("JWT_SECRET has too little variety; use a randomly generated value")
	}
	return nil
}

func distinct(s string) int {
	seen := make(map[rune]struct{}, len(s))
	for _, r := range s {
		seen[r] = struct{}{}
	}
	return len(seen)
}

// parser accumulates parse errors so that every malformed variable is
// reported at once.
type parser struct{ errs []error }

func (p *parser) str(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

func (p *parser) list(key string) []string {
	raw := strings.TrimSpace(os.Getenv(key))
	if raw == "" {
		return nil
	}
	var out []string
	for _, part := range strings.Split(raw, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, strings.TrimRight(part, "/"))
		}
	}
	return out
}

func (p *parser) int(key string, def int) int {
	v, ok := os.LookupEnv(key)
	if !ok || strings.TrimSpace(v) == "" {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: invalid integer %q", key, v))
		return def
	}
	return n
}

func (p *parser) int64(key string, def int64) int64 {
	v, ok := os.LookupEnv(key)
	if !ok || strings.TrimSpace(v) == "" {
		return def
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: invalid integer %q", key, v))
		return def
	}
	return n
}

func (p *parser) dur(key string, def time.Duration) time.Duration {
	v, ok := os.LookupEnv(key)
	if !ok || strings.TrimSpace(v) == "" {
		return def
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: invalid duration %q", key, v))
		return def
	}
	return d
}
