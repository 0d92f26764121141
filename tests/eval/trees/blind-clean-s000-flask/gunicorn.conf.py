"""gunicorn settings for the API container."""
import os
import shutil

# Must be set before prometheus_client is imported anywhere in this process.
_metrics_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/prometheus")

from prometheus_client import multiprocess  # noqa: E402

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
preload_app = False

# Requests are short (job state lives in the database); anything slower is a bug.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
keepalive = 5
max_requests = 2000
max_requests_jitter = 200

limit_request_line = 4094
limit_request_fields = 64
limit_request_field_size = 8190

worker_tmp_dir = "/dev/shm"
# The app emits one structured line per request; gunicorn's access log would duplicate it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    # Stale files from a previous run would be summed into the new metrics.
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    os.makedirs(_metrics_dir, exist_ok=True)


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)


def worker_exit(server, worker):
    app = getattr(worker, "wsgi", None)
    if app is None:
        return
    engine = app.extensions.get("db_engine")
    if engine is not None:
        engine.dispose()
    redis_client = app.extensions.get("redis")
    if redis_client is not None:
        redis_client.close()
