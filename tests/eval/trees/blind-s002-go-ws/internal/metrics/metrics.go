package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	Inflight = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "exai_inflight_requests",
		Help: "Tool calls currently being processed.",
	})

	SemaphoreAcquired = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "exai_semaphore_acquired_total",
		Help: "Semaphore acquisitions by scope.",
	}, []string{"scope"})

	SemaphoreReleased = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "exai_semaphore_released_total",
		Help: "Semaphore releases by scope.",
	}, []string{"scope"})

	SemaphoreExhausted = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "exai_semaphore_exhausted_total",
		Help: "Requests that gave up waiting for a semaphore.",
	}, []string{"scope"})

	ToolTimeouts = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "exai_tool_timeouts_total",
		Help: "Tool calls that exceeded the tool timeout.",
	}, []string{"tool"})

	ActiveSessions = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "exai_active_sessions",
		Help: "Sessions with an attached WebSocket connection.",
	})
)
