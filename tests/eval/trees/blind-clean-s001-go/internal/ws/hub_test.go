package ws

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestHubReserveLimits(t *testing.T) {
	h := NewHub(3, 2)
	if err := h.Reserve("u1"); err != nil {
		t.Fatal(err)
	}
	if err := h.Reserve("u1"); err != nil {
		t.Fatal(err)
	}
	if err := h.Reserve("u1"); !errors.Is(err, ErrUserLimit) {
		t.Fatalf("expected ErrUserLimit, got %v", err)
	}
	if err := h.Reserve("u2"); err != nil {
		t.Fatal(err)
	}
	if err := h.Reserve("u3"); !errors.Is(err, ErrHubFull) {
		t.Fatalf("expected ErrHubFull, got %v", err)
	}
	h.Release("u2")
	if err := h.Reserve("u3"); err != nil {
		t.Fatalf("slot should be free after Release: %v", err)
	}
}

func TestHubRejectsAfterShutdown(t *testing.T) {
	h := NewHub(10, 10)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := h.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with no connections: %v", err)
	}
	if err := h.Reserve("u1"); !errors.Is(err, ErrShuttingDown) {
		t.Fatalf("expected ErrShuttingDown, got %v", err)
	}
}

func TestTicketsAreSingleUseAndExpire(t *testing.T) {
	now := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	s := NewTicketStore(30*time.Second, 100, 2)
	s.now = func() time.Time { return now }

	tk, _, err := s.Issue("u1")
	if err != nil {
		t.Fatal(err)
	}
	if uid, err := s.Redeem(tk); err != nil || uid != "u1" {
		t.Fatalf("Redeem = %q, %v", uid, err)
	}
	if _, err := s.Redeem(tk); !errors.Is(err, ErrTicketInvalid) {
		t.Fatal("ticket redeemed twice")
	}

	tk2, _, _ := s.Issue("u1")
	now = now.Add(31 * time.Second)
	if _, err := s.Redeem(tk2); !errors.Is(err, ErrTicketInvalid) {
		t.Fatal("expired ticket accepted")
	}
}

func TestTicketsPerUserBound(t *testing.T) {
	s := NewTicketStore(time.Minute, 100, 2)
	for i := 0; i < 2; i++ {
		if _, _, err := s.Issue("u1"); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.Issue("u1"); !errors.Is(err, ErrTicketsFull) {
		t.Fatalf("expected ErrTicketsFull, got %v", err)
	}
	if _, _, err := s.Issue("u2"); err != nil {
		t.Fatalf("other users unaffected: %v", err)
	}
}

func TestOriginPolicy(t *testing.T) {
	p := NewOriginPolicy([]string{"https://App.Example.org/"})
	if !p.Allowed("https://app.example.org") {
		t.Fatal("normalised origin should match")
	}
	if p.Allowed("https://app.example.org.evil.net") {
		t.Fatal("suffix match must not be allowed")
	}
}
