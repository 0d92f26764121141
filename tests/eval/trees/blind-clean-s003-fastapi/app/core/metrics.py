"""Prometheus metrics. Label values are bounded (route templates, not raw paths)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests handled", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
HTTP_IN_FLIGHT = Gauge("http_requests_in_flight", "HTTP requests currently being served")

FRED_REQUESTS = Counter("fred_requests_total", "Calls to the FRED API", ["endpoint", "outcome"])
FRED_LATENCY = Histogram(
    "fred_request_duration_seconds",
    "FRED API call latency (single attempt)",
    ["endpoint"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30),
)
FRED_THROTTLED = Counter("fred_throttled_total", "Waits caused by the shared outbound FRED budget")
FRED_CIRCUIT_OPEN = Gauge("fred_circuit_open", "1 while the FRED circuit breaker is open")

CACHE_LOOKUPS = Counter("cache_lookups_total", "Redis cache lookups", ["cache", "result"])
RATE_LIMITED = Counter("rate_limited_total", "Requests rejected by the per-client rate limiter")
RATE_LIMITER_ERRORS = Counter("rate_limiter_errors_total", "Rate limiter failures (request allowed)")

REFRESH_RUNS = Counter("refresh_runs_total", "Background refresh runs", ["outcome"])
REFRESH_SERIES = Counter("refresh_series_total", "Series refreshed by the worker", ["outcome"])
REFRESH_LAST_SUCCESS = Gauge(
    "refresh_last_success_timestamp_seconds", "Unix time of the last fully successful refresh run"
)
