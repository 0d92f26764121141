"""Fixed-window rate limiting backed by Redis, shared by all API instances.

Each window has its own key (``rl:<bucket>:<identity>:<window_start>``), so the
counter rolls over naturally and the TTL only needs to outlive the window.
"""
from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass
from typing import Callable

import redis
from flask import current_app, g, request

from app.errors import ApiError, ServiceUnavailable
from app.metrics import RATE_LIMITED

log = logging.getLogger(__name__)


class RateLimited(ApiError):
    status_code = 429
    code = "rate_limited"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: int


class RateLimiter:
    def __init__(self, client: redis.Redis, *, enabled: bool = True, clock: Callable[[], float] = time.time) -> None:
        self._redis = client
        self._enabled = enabled
        self._clock = clock

    def hit(self, bucket: str, identity: str, limit: int, window: int) -> Decision:
        now = int(self._clock())
        window_start = now - (now % window)
        key = f"rl:{bucket}:{identity}:{window_start}"
        pipe = self._redis.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, window + 1)
        count, _ = pipe.execute()
        return Decision(
            allowed=count <= limit,
            limit=limit,
            remaining=max(0, limit - count),
            reset_at=window_start + window,
        )

    def exceeded(self, bucket: str, identity: str, limit: int, window: int) -> bool:
        """Read-only check of the current window (used to block repeated auth failures)."""
        if not self._enabled:
            return False
        now = int(self._clock())
        key = f"rl:{bucket}:{identity}:{now - (now % window)}"
        try:
            return int(self._redis.get(key) or 0) >= limit
        except redis.RedisError as exc:
            log.error("rate limiter unavailable", extra={"bucket": bucket, "error": str(exc)})
            raise ServiceUnavailable("rate limiter unavailable, retry shortly",
                                     headers={"Retry-After": "5"}) from exc

    def enforce(self, bucket: str, identity: str, limit: int, window: int) -> None:
        if not self._enabled:
            return
        try:
            decision = self.hit(bucket, identity, limit, window)
        except redis.RedisError as exc:
            # Failing open would remove the only protection on the expensive
            # routes exactly when the platform is degraded, so reject instead.
            log.error("rate limiter unavailable", extra={"bucket": bucket, "error": str(exc)})
            raise ServiceUnavailable("rate limiter unavailable, retry shortly",
                                     headers={"Retry-After": "5"}) from exc
        if not decision.allowed:
            RATE_LIMITED.labels(bucket=bucket).inc()
            retry_after = max(1, decision.reset_at - int(self._clock()))
            raise RateLimited(
                "rate limit exceeded",
                headers={
                    "Retry-After": str(retry_after),
                    "X-RateLimit-Limit": str(decision.limit),
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": str(decision.reset_at),
                },
            )


def rate_limit(bucket: str, settings_attr: str):
    """Per-route limit keyed by the authenticated key; apply below @require_api_key."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = getattr(g, "principal", None)
            identity = principal.key_id if principal else (request.remote_addr or "unknown")
            count, window = getattr(current_app.config["SETTINGS"], settings_attr)
            current_app.extensions["rate_limiter"].enforce(bucket, identity, count, window)
            return view(*args, **kwargs)

        return wrapper

    return decorator
