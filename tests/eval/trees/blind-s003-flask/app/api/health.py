"""Health endpoints used by Railway, Docker and uptime monitoring."""
from __future__ import annotations

import logging
import time

from flask import Blueprint, jsonify
from sqlalchemy import text

from app.config import get_settings
from app.extensions import db, get_redis
from app.services.rate_limiter import fred_limiter

logger = logging.getLogger(__name__)

health_bp = Blueprint("health", __name__)

_STARTED_AT = time.time()


@health_bp.get("/health")
def health():
    settings = get_settings()
    return jsonify(
        status="healthy",
        version=settings.APP_VERSION,
        environment=settings.ENVIRONMENT,
        uptime_seconds=int(time.time() - _STARTED_AT),
    )


@health_bp.get("/health/liveness")
def liveness():
    return jsonify(status="alive")


def _check_database() -> dict:
    started = time.perf_counter()
    try:
        db.session.execute(text("SELECT 1"))
        return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 1)}
    except Exception as exc:
        logger.warning("Readiness: database check failed: %s", exc)
        db.session.rollback()
        return {"ok": False, "error": exc.__class__.__name__}


def _check_redis() -> dict:
    started = time.perf_counter()
    try:
        get_redis().ping()
        return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 1)}
    except Exception as exc:
        logger.warning("Readiness: redis check failed: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}


@health_bp.get("/health/readiness")
def readiness():
    checks = {
        "database": _check_database(),
        "redis": _check_redis(),
        "fred_limiter_in_window": fred_limiter.in_window,
    }
    ready = checks["database"]["ok"] and checks["redis"]["ok"]
    return jsonify(status="ready" if ready else "degraded", checks=checks), 200
