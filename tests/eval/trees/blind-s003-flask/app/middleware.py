"""Request hooks and small request-scoped helpers."""
from __future__ import annotations

import functools
import logging
import time

from flask import Flask, g, jsonify, request

from app.extensions import get_redis

logger = logging.getLogger("app.request")

SLOW_REQUEST_MS = 1500


def register_middleware(app: Flask) -> None:
    @app.before_request
    def _start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        elapsed_ms = (time.perf_counter() - started) * 1000 if started else -1
        if request.path.startswith("/health"):
            return response
        level = logging.WARNING if elapsed_ms > SLOW_REQUEST_MS else logging.INFO
        logger.log(level, f"{request.method} {request.path} -> {response.status_code} ({elapsed_ms:.0f}ms)")
        return response

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response


def client_ip() -> str:
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.remote_addr or "unknown"


def rate_limit(limit_per_minute: int, scope: str):
    """Fixed-window per-IP limiter backed by Redis.

    Fails open if Redis is unavailable: the cache being down should not take
    the API down with it.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            window = int(time.time() // 60)
            key = f"econdash:rl:{scope}:{client_ip()}:{window}"
            try:
                pipe = get_redis().pipeline()
                pipe.incr(key)
                pipe.expire(key, 90)
                count, _ = pipe.execute()
            except Exception:
                logger.warning("Rate limiter unavailable for scope=%s; allowing request", scope, exc_info=True)
                return view(*args, **kwargs)
            if count > limit_per_minute:
                resp = jsonify(error="rate limit exceeded", limit_per_minute=limit_per_minute)
                resp.status_code = 429
                resp.headers["Retry-After"] = str(60 - int(time.time()) % 60)
                return resp
            return view(*args, **kwargs)

        return wrapper

    return decorator
