// Package metrics holds the Prometheus collectors and the small in-process
// statistics exposed on the admin stats endpoint.
package metrics

import (
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// MaxResponseTimes is the size of the rolling window kept for the admin
// stats endpoint. Long-term latency data lives in the Prometheus histogram.
const MaxResponseTimes = 100

var (
	HTTPRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gateway_http_requests_total",
		Help: "HTTP requests by route pattern, method and status class.",
	}, []string{"route", "method", "code"})

	HTTPDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "gateway_http_request_duration_seconds",
		Help:    "HTTP request latency by route pattern.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route", "method"})

	WSConnections = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "gateway_ws_connections",
		Help: "Open WebSocket connections.",
	})

	WSRejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gateway_ws_rejected_total",
		Help: "WebSocket upgrades or messages rejected, by reason.",
	}, []string{"reason"})

	ActiveSessions = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "gateway_active_sessions",
		Help: "Conversation sessions held in memory.",
	})

	SessionsExpired = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "gateway_sessions_expired_total",
		Help: "Sessions removed by the TTL sweeper.",
	})

	LLMRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gateway_llm_requests_total",
		Help: "LLM completion requests by outcome.",
	}, []string{"outcome"})

	LLMFirstToken = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "gateway_llm_first_token_seconds",
		Help:    "Time from request to first streamed token.",
		Buckets: []float64{0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32},
	})

	LLMRetries = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "gateway_llm_retries_total",
		Help: "LLM requests retried before the stream started.",
	})

	MongoRetries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gateway_mongo_retries_total",
		Help: "MongoDB operations retried after a transient error.",
	}, []string{"op"})

	RateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gateway_rate_limited_total",
		Help: "Requests rejected by a rate limiter, by limiter name.",
	}, []string{"limiter"})

	RateLimiterKeys = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "gateway_rate_limiter_keys",
		Help: "Keys tracked by each rate limiter.",
	}, []string{"limiter"})
)

// Register adds every collector to reg. A dedicated registry is used rather
// than the global default so tests can build independent instances.
func Register(reg prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{
		HTTPRequests, HTTPDuration, WSConnections, WSRejected, ActiveSessions,
		SessionsExpired, LLMRequests, LLMFirstToken, LLMRetries, MongoRetries,
		RateLimited, RateLimiterKeys,
	} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// ResponseTimes is a fixed-size ring buffer of recent LLM response times.
type ResponseTimes struct {
	mu    sync.Mutex
	buf   [MaxResponseTimes]time.Duration
	next  int
	count int
}

// Add records d, overwriting the oldest sample once the window is full.
func (r *ResponseTimes) Add(d time.Duration) {
	r.mu.Lock()
	r.buf[r.next] = d
	r.next = (r.next + 1) % MaxResponseTimes
	if r.count < MaxResponseTimes {
		r.count++
	}
	r.mu.Unlock()
}

// Summary is a point-in-time view of the window.
type Summary struct {
	Samples int           `json:"samples"`
	Avg     time.Duration `json:"avg_ns"`
	P50     time.Duration `json:"p50_ns"`
	P95     time.Duration `json:"p95_ns"`
	Max     time.Duration `json:"max_ns"`
}

// Snapshot copies the window under the lock and computes stats outside it.
func (r *ResponseTimes) Snapshot() Summary {
	r.mu.Lock()
	samples := make([]time.Duration, r.count)
	copy(samples, r.buf[:r.count])
	r.mu.Unlock()

	if len(samples) == 0 {
		return Summary{}
	}
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	var total time.Duration
	for _, s := range samples {
		total += s
	}
	return Summary{
		Samples: len(samples),
		Avg:     total / time.Duration(len(samples)),
		P50:     samples[percentileIndex(len(samples), 0.50)],
		P95:     samples[percentileIndex(len(samples), 0.95)],
		Max:     samples[len(samples)-1],
	}
}

func percentileIndex(n int, p float64) int {
	i := int(float64(n)*p+0.5) - 1
	if i < 0 {
		return 0
	}
	if i >= n {
		return n - 1
	}
	return i
}
