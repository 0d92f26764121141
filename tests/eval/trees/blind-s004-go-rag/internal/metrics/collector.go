// Package metrics keeps lightweight in-process counters for the admin
// dashboard.
package metrics

import (
	"sort"
	"sync"
	"time"
)

const latencyWindow = 1024

// Collector holds counters and a ring buffer of recent latencies.
type Collector struct {
	mu       sync.Mutex
	counters map[string]int64

	latencies [latencyWindow]time.Duration
	next      int
	filled    bool
	started   time.Time
}

// NewCollector returns an empty collector.
func NewCollector() *Collector {
	return &Collector{counters: make(map[string]int64), started: time.Now()}
}

// Inc increments a named counter.
func (c *Collector) Inc(name string) {
	c.mu.Lock()
	c.counters[name]++
	c.mu.Unlock()
}

// ObserveLatency records the duration of one request.
func (c *Collector) ObserveLatency(d time.Duration) {
	c.latencies[c.next] = d
	c.next = (c.next + 1) % latencyWindow
	if c.next == 0 {
		c.filled = true
	}
}

// Snapshot is a point-in-time view of the collector.
type Snapshot struct {
	Counters     map[string]int64 `json:"counters"`
	P50MS        float64          `json:"p50_ms"`
	P95MS        float64          `json:"p95_ms"`
	UptimeSecond int64            `json:"uptime_seconds"`
}

// Snapshot copies the current values.
func (c *Collector) Snapshot() Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()

	counters := make(map[string]int64, len(c.counters))
	for k, v := range c.counters {
		counters[k] = v
	}

	n := c.next
	if c.filled {
		n = latencyWindow
	}
	sorted := make([]time.Duration, n)
	copy(sorted, c.latencies[:n])
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })

	return Snapshot{
		Counters:     counters,
		P50MS:        percentile(sorted, 0.50),
		P95MS:        percentile(sorted, 0.95),
		UptimeSecond: int64(time.Since(c.started).Seconds()),
	}
}

func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	idx := int(float64(len(sorted)-1) * p)
	return float64(sorted[idx]) / float64(time.Millisecond)
}
