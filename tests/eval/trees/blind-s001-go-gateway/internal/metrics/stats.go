package metrics

import (
	"sync"
	"sync/atomic"
	"time"
)

// Stats collects simple in-process counters for the admin dashboard.
type Stats struct {
	totalRequests atomic.Int64
	totalErrors   atomic.Int64

	mu            sync.Mutex
	ResponseTimes []time.Duration
}

func NewStats() *Stats {
	return &Stats{}
}

func (s *Stats) RecordResponse(d time.Duration) {
	s.totalRequests.Add(1)
	s.mu.Lock()
	s.ResponseTimes = append(s.ResponseTimes, d)
	s.mu.Unlock()
}

func (s *Stats) RecordError() {
	s.totalRequests.Add(1)
	s.totalErrors.Add(1)
}

type Snapshot struct {
	TotalRequests int64   `json:"total_requests"`
	TotalErrors   int64   `json:"total_errors"`
	AvgMillis     float64 `json:"avg_ms"`
}

func (s *Stats) Snapshot() Snapshot {
	snap := Snapshot{
		TotalRequests: s.totalRequests.Load(),
		TotalErrors:   s.totalErrors.Load(),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.ResponseTimes); n > 0 {
		var sum time.Duration
		for _, t := range s.ResponseTimes {
			sum += t
		}
		snap.AvgMillis = float64(sum.Milliseconds()) / float64(n)
	}
	return snap
}
