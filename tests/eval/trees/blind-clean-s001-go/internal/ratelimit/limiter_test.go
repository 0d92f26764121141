package ratelimit

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestLimiter(limit int, window time.Duration, maxKeys int) (*Limiter, *fakeClock) {
	clk := &fakeClock{t: time.Date(2024, 2, 1, 12, 0, 0, 0, time.UTC)}
	l := New("test", limit, window, maxKeys)
	l.now = clk.Now
	return l, clk
}

func TestAllowEnforcesLimitAndRetryAfter(t *testing.T) {
	l, clk := newTestLimiter(3, time.Minute, 10)
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("request %d unexpectedly limited", i)
		}
	}
	ok, retry := l.Allow("a")
	if ok {
		t.Fatal("fourth request should be limited")
	}
	if retry <= 0 || retry > 20*time.Second {
		t.Fatalf("retryAfter = %s, want (0, 20s]", retry)
	}
	clk.Advance(retry)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("request after retryAfter should pass")
	}
}

func TestKeysAreIndependent(t *testing.T) {
	l, _ := newTestLimiter(1, time.Minute, 10)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("a should pass")
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("b should pass independently of a")
	}
}

func TestSweepRemovesIdleKeysOnly(t *testing.T) {
	l, clk := newTestLimiter(5, time.Minute, 100)
	l.Allow("old")
	clk.Advance(50 * time.Second)
	l.Allow("recent")
	clk.Advance(15 * time.Second)

	if removed := l.Sweep(); removed != 1 {
		t.Fatalf("Sweep removed %d keys, want 1", removed)
	}
	if l.Len() != 1 {
		t.Fatalf("Len = %d, want 1", l.Len())
	}
}

func TestMaxKeysBoundsMemory(t *testing.T) {
	l, _ := newTestLimiter(1000, time.Minute, 50)
	for i := 0; i < 500; i++ {
		l.Allow(fmt.Sprintf("ip-%d", i))
	}
	if got := l.Len(); got != 50 {
		t.Fatalf("Len = %d, want 50", got)
	}
}

func TestConcurrentAllow(t *testing.T) {
	l, _ := newTestLimiter(10000, time.Minute, 1000)
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				l.Allow(fmt.Sprintf("k-%d", (g*200+i)%64))
				if i%50 == 0 {
					l.Sweep()
				}
			}
		}(g)
	}
	wg.Wait()
}

func TestRetryAfterSeconds(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want int
	}{{0, 1}, {300 * time.Millisecond, 1}, {1500 * time.Millisecond, 2}, {time.Minute, 60}} {
		if got := RetryAfterSeconds(tc.in); got != tc.want {
			t.Errorf("RetryAfterSeconds(%s) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
