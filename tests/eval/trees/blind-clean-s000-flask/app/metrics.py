"""Prometheus metrics.

Under gunicorn the API runs several worker processes, so metrics use the
prometheus_client multiprocess mode (PROMETHEUS_MULTIPROC_DIR); see
gunicorn.conf.py for the directory reset and per-worker clean-up.
"""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests", ["method", "endpoint", "status"]
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["method", "endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
RATE_LIMITED = Counter("rate_limited_total", "Requests rejected by the rate limiter", ["bucket"])
JOBS_SUBMITTED = Counter("training_jobs_submitted_total", "Training jobs accepted by the API")

# Worker-side metrics (exposed by the worker's own metrics server).
WORKER_RUNNING_JOBS = Gauge(
    "worker_running_jobs", "Trainer subprocesses currently running", multiprocess_mode="livesum"
)
WORKER_JOB_OUTCOMES = Counter("worker_job_outcomes_total", "Finished jobs by outcome", ["outcome"])
WORKER_FAILED_PERSISTS = Gauge(
    "worker_failed_persists", "Job results waiting to be written to the database", multiprocess_mode="max"
)
WORKER_FAILED_PERSISTS_EVICTED = Counter(
    "worker_failed_persists_evicted_total", "Pending job results dropped because the cache was full"
)
WORKER_FILES_REMOVED = Counter("worker_retention_files_removed_total", "Files removed by retention", ["kind"])
WORKER_LOOP_ERRORS = Counter("worker_loop_errors_total", "Unexpected errors in a worker task", ["task"])
