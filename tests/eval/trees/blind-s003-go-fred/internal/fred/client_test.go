package fred

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/macrolens/econ-api/internal/config"
)

func testClient(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := NewClient(config.FREDConfig{
		APIKey:     "testkey",
		BaseURL:    srv.URL,
		Timeout:    2 * time.Second,
		MaxRetries: 2,
	}, rate.NewLimiter(rate.Inf, 1), slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(c.Close)
	return c
}

func TestLatestSkipsMissingValues(t *testing.T) {
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("series_id") != "UNRATE" {
			t.Errorf("unexpected series_id %q", r.URL.Query().Get("series_id"))
		}
		io.WriteString(w, `{"count":3,"observations":[
			{"date":"2024-03-01","value":"."},
			{"date":"2024-02-01","value":"3.9"},
			{"date":"2024-01-01","value":"3.7"}]}`)
	})

	obs, err := c.Latest(context.Background(), "UNRATE")
	if err != nil {
		t.Fatalf("Latest: %v", err)
	}
	if obs.Value == nil || *obs.Value != 3.9 {
		t.Fatalf("Latest value = %v, want 3.9", obs.Value)
	}
}

func TestRetriesServerErrors(t *testing.T) {
	var calls int32
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		if atomic.AddInt32(&calls, 1) < 2 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		io.WriteString(w, `{"seriess":[{"id":"GDP","title":"Gross Domestic Product"}]}`)
	})

	info, err := c.Series(context.Background(), "GDP")
	if err != nil {
		t.Fatalf("Series: %v", err)
	}
	if info.Title != "Gross Domestic Product" {
		t.Fatalf("title = %q", info.Title)
	}
	if calls != 2 {
		t.Fatalf("calls = %d, want 2", calls)
	}
}

func TestParseObservationRejectsGarbage(t *testing.T) {
	if _, err := (rawObservation{Date: "2024-01-01", Value: "n/a"}).parse(); err == nil {
		t.Fatal("expected parse error")
	}
}
