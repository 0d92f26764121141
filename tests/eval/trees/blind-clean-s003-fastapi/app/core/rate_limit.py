"""Fixed-window rate limiting in Redis, shared by every replica.

Two users:
  * inbound: per API client, enforced as a FastAPI dependency;
  * outbound: one global budget for calls to FRED (120 req/min per API key),
    shared by all instances and the refresh worker.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Response, status
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core import metrics
from app.core.security import Principal, authenticate
from app.services.fred_service import FredRateLimited

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60


@dataclass(frozen=True, slots=True)
class WindowResult:
    allowed: bool
    count: int
    limit: int
    reset_in: float


async def hit(redis: Redis, bucket: str, limit: int, window: int = WINDOW_SECONDS) -> WindowResult:
    now = time.time()
    window_index = int(now // window)
    key = f"macro:v1:rl:{bucket}:{window_index}"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, window + 5)
        count, _ = await pipe.execute()
    reset_in = (window_index + 1) * window - now
    return WindowResult(allowed=count <= limit, count=count, limit=limit, reset_in=reset_in)


async def enforce_rate_limit(
    request: Request,
    response: Response,
    principal: Annotated[Principal, Depends(authenticate)],
) -> Principal:
    settings = request.app.state.settings
    limit = principal.rate_limit_per_minute or settings.RATE_LIMIT_PER_MINUTE
    redis: Redis = request.app.state.redis
    try:
        result = await hit(redis, f"client:{principal.client_id}", limit)
    except RedisError as exc:
        # Fail open: this is a read-only API and the outbound FRED budget is
        # enforced separately, so a Redis blip should not turn into an outage.
        metrics.RATE_LIMITER_ERRORS.inc()
        logger.warning("rate limiter unavailable, allowing request", extra={"error": repr(exc)})
        return principal

    response.headers["X-RateLimit-Limit"] = str(limit)
    response.headers["X-RateLimit-Remaining"] = str(max(0, limit - result.count))
    if not result.allowed:
        metrics.RATE_LIMITED.inc()
        raise HTTPException(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            detail="rate limit exceeded",
            headers={"Retry-After": str(max(1, int(result.reset_in) + 1))},
        )
    return principal


class OutboundLimiter:
    """Waits for a slot in the shared FRED budget, up to `max_wait` seconds."""

    def __init__(self, redis: Redis, per_minute: int, max_wait: float = 65.0) -> None:
        self._redis = redis
        self._limit = per_minute
        self._max_wait = max_wait

    async def __call__(self) -> None:
        deadline = time.monotonic() + self._max_wait
        while True:
            try:
                result = await hit(self._redis, "fred-outbound", self._limit)
            except RedisError as exc:
                # Without Redis we cannot coordinate replicas; FRED's own 429s and
                # the client's backoff remain as the safety net.
                logger.warning("outbound limiter unavailable", extra={"error": repr(exc)})
                return
            if result.allowed:
                return
            wait = result.reset_in + 0.05
            if time.monotonic() + wait > deadline:
                raise FredRateLimited("outbound FRED budget exhausted")
            metrics.FRED_THROTTLED.inc()
            await asyncio.sleep(wait)
