package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func testClient(url string, stream, idle time.Duration) *Client {
	return New(Options{
		BaseURL: url, APIKey: "fixture-key", Model: "m", MaxTokens: 16,
		ConnectTimeout: time.Second, HeaderTimeout: time.Second,
		StreamTimeout: stream, IdleTimeout: idle,
		MaxRetries: 2, MaxConcurrency: 2,
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func sse(w http.ResponseWriter, parts ...string) {
	w.Header().Set("Content-Type", "text/event-stream")
	f := w.(http.Flusher)
	for _, p := range parts {
		fmt.Fprintf(w, "data: {\"choices\":[{\"delta\":{\"content\":%q}}]}\n\n", p)
		f.Flush()
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	f.Flush()
}

func TestStreamCollectsDeltas(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer fixture-key" {
			t.Errorf("missing auth header")
		}
		sse(w, "Hel", "lo")
	}))
	defer srv.Close()

	var got []string
	res, err := testClient(srv.URL, 5*time.Second, time.Second).Stream(context.Background(), "u", nil,
		func(s string) error { got = append(got, s); return nil })
	if err != nil {
		t.Fatalf("Stream: %v", err)
	}
	if res.Text != "Hello" || len(got) != 2 {
		t.Fatalf("text=%q deltas=%v", res.Text, got)
	}
}

func TestStreamRetriesBeforeFirstByte(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		sse(w, "ok")
	}))
	defer srv.Close()

	res, err := testClient(srv.URL, 5*time.Second, time.Second).Stream(context.Background(), "u", nil,
		func(string) error { return nil })
	if err != nil {
		t.Fatalf("Stream: %v", err)
	}
	if res.Text != "ok" || calls.Load() != 2 {
		t.Fatalf("text=%q calls=%d", res.Text, calls.Load())
	}
}

func TestStreamDoesNotRetryClientErrors(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, `{"error":"bad model"}`, http.StatusBadRequest)
	}))
	defer srv.Close()

	_, err := testClient(srv.URL, 5*time.Second, time.Second).Stream(context.Background(), "u", nil,
		func(string) error { return nil })
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusBadRequest {
		t.Fatalf("expected StatusError 400, got %v", err)
	}
	if calls.Load() != 1 {
		t.Fatalf("calls = %d, want 1", calls.Load())
	}
}

func TestStreamIdleTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	start := time.Now()
	_, err := testClient(srv.URL, 5*time.Second, 100*time.Millisecond).Stream(context.Background(), "u", nil,
		func(string) error { return nil })
	if !errors.Is(err, ErrIdleTimeout) {
		t.Fatalf("expected ErrIdleTimeout, got %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("idle timeout took %s", time.Since(start))
	}
}

func TestStreamOverallTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		f := w.(http.Flusher)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
				fmt.Fprint(w, ": keep-alive\n\n")
				f.Flush()
			}
		}
	}))
	defer srv.Close()

	_, err := testClient(srv.URL, 200*time.Millisecond, time.Second).Stream(context.Background(), "u", nil,
		func(string) error { return nil })
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("expected ErrTimeout, got %v", err)
	}
}

func TestStreamBusy(t *testing.T) {
	c := testClient("http://127.0.0.1:1", time.Second, time.Second)
	c.sem <- struct{}{}
	c.sem <- struct{}{}
	if _, err := c.Stream(context.Background(), "u", nil, func(string) error { return nil }); !errors.Is(err, ErrBusy) {
		t.Fatalf("expected ErrBusy, got %v", err)
	}
}
