package config

import (
	"io"
	"log/slog"
	"testing"
	"time"
)

func discardLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func TestLoadDefaults(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://u:p@localhost:5432/db")
	t.Setenv("FRED_API_KEY", "abcdefabcdefabcdefabcdefabcdefab")

	cfg, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.Port != "8000" {
		t.Errorf("Port = %q, want 8000", cfg.Port)
	}
	if cfg.FREDRateLimitPerMinute != 120 {
		t.Errorf("FREDRateLimitPerMinute = %d, want 120", cfg.FREDRateLimitPerMinute)
	}
	if cfg.FREDTimeout != 30*time.Second {
		t.Errorf("FREDTimeout = %v, want 30s", cfg.FREDTimeout)
	}
	if len(cfg.TrackedSeries) == 0 {
		t.Error("TrackedSeries should have defaults")
	}
}

func TestLoadRequiresDatabaseURL(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	if _, err := Load(); err == nil {
		t.Fatal("expected error without DATABASE_URL")
	}
}

func TestDurationAcceptsSeconds(t *testing.T) {
	t.Setenv("FRED_API_TIMEOUT", "12")
	if got := getDuration("FRED_API_TIMEOUT", time.Second); got != 12*time.Second {
		t.Fatalf("got %v, want 12s", got)
	}
}

func TestValidateProductionSecret(t *testing.T) {
	cfg := &Config{
		Environment: "production",
		DatabaseURL: "postgres://u:p@db:5432/x",
		RedisURL:    "redis://cache:6379/0",
		FREDAPIKey:  "abcdefabcdefabcdefabcdefabcdefab",
		SecretKey:   "short",
		DBMaxConns:  10,
		DBMinConns:  2,
	}
	if err := cfg.Validate(discardLogger()); err == nil {
		t.Fatal("expected short SECRET_KEY to fail validation in production")
	}
}

func TestSplitList(t *testing.T) {
	got := splitList(" a, ,b ,c")
	if len(got) != 3 || got[0] != "a" || got[1] != "b" || got[2] != "c" {
		t.Fatalf("splitList = %#v", got)
	}
}
