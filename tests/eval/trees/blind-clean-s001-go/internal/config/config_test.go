package config

import (
	"strings"
	"testing"
)

// strongSecret is a fixture generated for tests only; it is never used
// outside this package's tests.
const strongSecret = "q7Vd2KxN9pLr4ZtW8mYc3HbF6jUa1EsG0oRi5Tn"

func setRequired(t *testing.T) {
	t.Helper()
	t.Setenv("JWT_SECRET", strongSecret)
	t.Setenv("MONGO_URI", "mongodb://localhost:27017")
	t.Setenv("LLM_API_KEY", "sk-fixture")
	t.Setenv("CORS_ALLOWED_ORIGINS", "https://app.example.org")
}

func TestLoadDefaultsValidate(t *testing.T) {
	setRequired(t)
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate with defaults: %v", err)
	}
	if !c.IsProduction() {
		t.Fatalf("default env should be production, got %q", c.Env)
	}
}

func TestValidateJWTSecret(t *testing.T) {
	cases := []struct {
		name   string
		secret string
		ok     bool
	}{
		{"empty", "", false},
		{"short", "abc123", false},
		{"weak pattern", "my-super-secret-signing-key-for-prod-01", false},
		{"repetitive", strings.Repeat("ab", 20), false},
		{"strong", strongSecret, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateJWTSecret(tc.secret)
			if (err == nil) != tc.ok {
				t.Fatalf("ValidateJWTSecret(%q) err=%v, want ok=%v", tc.secret, err, tc.ok)
			}
		})
	}
}

func TestValidateRejectsWildcardOrigin(t *testing.T) {
	setRequired(t)
	t.Setenv("CORS_ALLOWED_ORIGINS", "*")
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "CORS_ALLOWED_ORIGINS") {
		t.Fatalf("expected CORS error, got %v", err)
	}
}

func TestLoadReportsMalformedValues(t *testing.T) {
	setRequired(t)
	t.Setenv("LLM_STREAM_TIMEOUT", "two minutes")
	t.Setenv("WS_MAX_CONNECTIONS", "lots")
	_, err := Load()
	if err == nil {
		t.Fatal("expected parse errors")
	}
	for _, want := range []string{"LLM_STREAM_TIMEOUT", "WS_MAX_CONNECTIONS"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestValidateRanges(t *testing.T) {
	setRequired(t)
	t.Setenv("MONGO_RETRY_ATTEMPTS", "0")
	t.Setenv("WS_PING_INTERVAL", "90s")
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	err = c.Validate()
	if err == nil {
		t.Fatal("expected validation errors")
	}
	for _, want := range []string{"MONGO_RETRY_ATTEMPTS", "WS_PING_INTERVAL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}
