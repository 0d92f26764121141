"""Liveness, readiness and metrics endpoints (unauthenticated, no rate limit)."""
from __future__ import annotations

import hmac
import logging
import os
import time

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from sqlalchemy import text

from app.services.jobs import WORKERS_KEY

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)



@bp.get("/healthz")
def liveness():
    # Liveness only says the process can serve requests; dependencies belong in /readyz
    # so that a database outage does not make the orchestrator restart every API pod.
    return jsonify({"status": "ok"})


def _check_database() -> None:
    engine = current_app.extensions["db_engine"]
    timeout_ms = int(current_app.config["SETTINGS"].health_check_timeout * 1000)
    with engine.connect() as conn:
        conn.execute(text("SELECT set_config('statement_timeout', :t, true)"), {"t": str(timeout_ms)})
        conn.execute(text("SELECT 1")).scalar_one()
        conn.rollback()


def _check_redis() -> None:
    current_app.extensions["redis"].ping()


def _check_storage() -> None:
    settings = current_app.config["SETTINGS"]
    for directory in (settings.data_root, settings.logs_dir):
        if not os.access(directory, os.R_OK | os.X_OK):
            raise RuntimeError(f"{directory} is not readable")


@bp.get("/readyz")
def readiness():
    checks: dict[str, dict] = {}
    healthy = True
    for name, check in (("database", _check_database), ("redis", _check_redis), ("storage", _check_storage)):
        started = time.monotonic()
        try:
            check()
            checks[name] = {"status": "ok"}
        except Exception as exc:
            healthy = False
            checks[name] = {"status": "error", "error": type(exc).__name__}
            log.warning("readiness check failed", extra={"check": name, "error": str(exc)})
        checks[name]["latency_ms"] = round((time.monotonic() - started) * 1000, 1)

    # Workers are reported, not required: the API can accept and queue jobs without them.
    try:
        settings = current_app.config["SETTINGS"]
        cutoff = time.time() - settings.stale_job_check_interval * 3
        live = current_app.extensions["redis"].zcount(WORKERS_KEY, cutoff, "+inf")
        checks["workers"] = {"status": "ok" if live else "degraded", "live": live}
    except Exception as exc:
        checks["workers"] = {"status": "unknown", "error": type(exc).__name__}

    status_code = 200 if healthy else 503
    return jsonify({"status": "ready" if healthy else "not_ready", "checks": checks}), status_code


@bp.get("/metrics")
def metrics():
    settings = current_app.config["SETTINGS"]
    if settings.metrics_token:
        supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(supplied.encode(), settings.metrics_token.encode()):
            abort(401)
    elif settings.is_production:
        abort(404)

    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
