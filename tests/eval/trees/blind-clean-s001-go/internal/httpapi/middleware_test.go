package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/northwind-labs/convo-gateway/internal/ws"
)

func TestCORSAllowList(t *testing.T) {
	h := CORS(ws.NewOriginPolicy([]string{"https://app.example.org"}))(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }))

	cases := []struct {
		name, origin, method string
		wantStatus           int
		wantACAO             string
	}{
		{"allowed simple", "https://app.example.org", http.MethodGet, http.StatusOK, "https://app.example.org"},
		{"denied simple", "https://evil.example.net", http.MethodGet, http.StatusOK, ""},
		{"allowed preflight", "https://app.example.org", http.MethodOptions, http.StatusNoContent, "https://app.example.org"},
		{"denied preflight", "https://evil.example.net", http.MethodOptions, http.StatusForbidden, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, "/v1/sessions", nil)
			req.Header.Set("Origin", tc.origin)
			if tc.method == http.MethodOptions {
				req.Header.Set("Access-Control-Request-Method", "POST")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status = %d, want %d", rec.Code, tc.wantStatus)
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tc.wantACAO {
				t.Fatalf("ACAO = %q, want %q", got, tc.wantACAO)
			}
			if rec.Header().Get("Access-Control-Allow-Credentials") != "" {
				t.Fatal("credentials must never be allowed")
			}
		})
	}
}

func TestIPResolverTrustsOnlyConfiguredProxies(t *testing.T) {
	ir, err := NewIPResolver([]string{"10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.RemoteAddr = "203.0.113.7:5555"
	req.Header.Set("X-Forwarded-For", "1.2.3.4")
	if got := ir.Resolve(req); got != "203.0.113.7" {
		t.Fatalf("untrusted peer: got %s", got)
	}

	req.RemoteAddr = "10.1.2.3:5555"
	req.Header.Set("X-Forwarded-For", "1.2.3.4, 198.51.100.9, 10.9.9.9")
	if got := ir.Resolve(req); got != "198.51.100.9" {
		t.Fatalf("trusted chain: got %s", got)
	}

	if _, err := NewIPResolver([]string{"not-an-ip"}); err == nil {
		t.Fatal("expected error for invalid proxy entry")
	}
}

func TestDecodeJSONBounds(t *testing.T) {
	var dst loginRequest
	for name, body := range map[string]string{
		"unknown field": `{"username":"a","password":"b","admin":true}`,
		"oversize":      `{"username":"` + strings.Repeat("a", 5000) + `"}`,
		"two objects":   `{"username":"a"}{"username":"b"}`,
		"empty":         ``,
	} {
		t.Run(name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			if err := decodeJSON(httptest.NewRecorder(), req, 4<<10, &dst); err == nil {
				t.Fatal("expected an error")
			}
		})
	}
}

func TestStatusRecorderKeepsHijacker(t *testing.T) {
	var w http.ResponseWriter = &statusRecorder{ResponseWriter: httptest.NewRecorder()}
	if _, ok := w.(http.Hijacker); !ok {
		t.Fatal("statusRecorder must implement http.Hijacker for WebSocket upgrades")
	}
	if _, ok := w.(http.Flusher); !ok {
		t.Fatal("statusRecorder must implement http.Flusher")
	}
}
