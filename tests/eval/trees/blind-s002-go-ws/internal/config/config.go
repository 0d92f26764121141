package config

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is loaded once at startup from the environment (.env.docker in compose).
type Config struct {
	ListenAddr string
	HealthAddr string
	AuthToken  string
	RedisURL   string

	MaxConcurrent  int
	MaxPerProvider int
	MaxHistory     int

	DaemonTimeout   time.Duration
	ToolTimeout     time.Duration
	ProviderTimeout time.Duration

	DefaultProvider string
	KimiAPIKey      string
	KimiBaseURL     string
	KimiModel       string
	GLMAPIKey       string
	GLMBaseURL      string
	GLMModel        string

	MonitorOrigins []string
}

func getenv(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

func getint(key string, def int) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, _ := strconv.Atoi(v)
	return n
}

func getsecs(key string, def int) time.Duration {
	return time.Duration(getint(key, def)) * time.Second
}

func getlist(key string, def []string) []string {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func Load() *Config {
	return &Config{
		ListenAddr: getenv("EXAI_WS_ADDR", ":8079"),
		HealthAddr: getenv("EXAI_HEALTH_ADDR", ":8082"),
		AuthToken:  os.Getenv("EXAI_WS_TOKEN"),
		RedisURL:   getenv("REDIS_URL", "redis://localhost:6379/0"),

		MaxConcurrent:  getint("EXAI_MAX_CONCURRENT", 24),
		MaxPerProvider: getint("EXAI_MAX_PER_PROVIDER", 8),
		MaxHistory:     getint("EXAI_MAX_HISTORY", 50),

		DaemonTimeout:   getsecs("EXAI_DAEMON_TIMEOUT_SECS", 180),
		ToolTimeout:     getsecs("EXAI_TOOL_TIMEOUT_SECS", 90),
		ProviderTimeout: getsecs("EXAI_PROVIDER_TIMEOUT_SECS", 120),

		DefaultProvider: getenv("EXAI_DEFAULT_PROVIDER", "glm"),
		KimiAPIKey:      os.Getenv("KIMI_API_KEY"),
		KimiBaseURL:     getenv("KIMI_BASE_URL", "https://api.moonshot.ai/v1"),
		KimiModel:       getenv("KIMI_MODEL", "kimi-k2-0905-preview"),
		GLMAPIKey:       os.Getenv("GLM_API_KEY"),
		GLMBaseURL:      getenv("GLM_BASE_URL", "https://api.z.ai/api/paas/v4"),
		GLMModel:        getenv("GLM_MODEL", "glm-4.6"),

		MonitorOrigins: getlist("EXAI_MONITOR_ORIGINS", []string{"http://localhost:8080"}),
	}
}
