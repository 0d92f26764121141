package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
)

func newTestManager(ttl time.Duration, max int) (*Manager, *time.Time, *[]string) {
	now := time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC)
	var expired []string
	m := NewManager(ttl, max, slog.New(slog.NewTextHandler(io.Discard, nil)),
		func(_ context.Context, id string, _ time.Time) { expired = append(expired, id) })
	m.now = func() time.Time { return now }
	return m, &now, &expired
}

func TestCleanupRemovesOnlyExpiredInactiveSessions(t *testing.T) {
	m, now, expired := newTestManager(15*time.Minute, 100)
	ctx := context.Background()

	must(t, m.Attach("active", "u1"))
	must(t, m.Attach("ended-old", "u1"))
	must(t, m.Attach("ended-recent", "u2"))

	m.Detach("ended-old")
	*now = now.Add(10 * time.Minute)
	m.Detach("ended-recent")
	*now = now.Add(6 * time.Minute)

	if n := m.Cleanup(ctx); n != 1 {
		t.Fatalf("Cleanup removed %d, want 1", n)
	}
	if _, ok := m.Get("ended-old"); ok {
		t.Fatal("ended-old should be gone")
	}
	for _, id := range []string{"active", "ended-recent"} {
		if _, ok := m.Get(id); !ok {
			t.Fatalf("%s should remain", id)
		}
	}
	if len(*expired) != 1 || (*expired)[0] != "ended-old" {
		t.Fatalf("onExpire calls = %v", *expired)
	}

	*now = now.Add(24 * time.Hour)
	m.Cleanup(ctx)
	if _, ok := m.Get("active"); !ok {
		t.Fatal("session with a live connection must never be cleaned up")
	}
}

func TestReattachClearsEndTime(t *testing.T) {
	m, now, _ := newTestManager(time.Minute, 10)
	must(t, m.Attach("s", "u"))
	m.Detach("s")
	*now = now.Add(30 * time.Second)
	must(t, m.Attach("s", "u"))
	*now = now.Add(time.Hour)
	if n := m.Cleanup(context.Background()); n != 0 {
		t.Fatalf("re-attached session was removed")
	}
}

func TestAttachLimitsAndOwnership(t *testing.T) {
	m, _, _ := newTestManager(time.Minute, 2)
	must(t, m.Attach("a", "u1"))
	must(t, m.Attach("b", "u1"))
	if err := m.Attach("c", "u1"); !errors.Is(err, ErrTooManySessions) {
		t.Fatalf("expected ErrTooManySessions, got %v", err)
	}
	if err := m.Attach("a", "u2"); !errors.Is(err, ErrNotOwner) {
		t.Fatalf("expected ErrNotOwner, got %v", err)
	}
}

func TestGenerationIsExclusive(t *testing.T) {
	m, _, _ := newTestManager(time.Minute, 10)
	must(t, m.Attach("s", "u"))
	must(t, m.BeginGeneration("s"))
	if err := m.BeginGeneration("s"); !errors.Is(err, ErrBusy) {
		t.Fatalf("expected ErrBusy, got %v", err)
	}
	m.EndGeneration("s")
	must(t, m.BeginGeneration("s"))
}

func TestConcurrentAttachDetachCleanup(t *testing.T) {
	m := NewManager(time.Nanosecond, 1000, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				id := fmt.Sprintf("s-%d", i%20)
				if err := m.Attach(id, "u"); err == nil {
					m.Detach(id)
				}
				if i%25 == 0 {
					m.Cleanup(context.Background())
					_ = m.List(10)
				}
			}
		}(g)
	}
	wg.Wait()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
