"""Redis-backed response cache.

The cache is an optimisation only: every Redis failure is logged and counted,
and the caller falls back to Postgres. Pages of one series live in a single
hash so a refresh can invalidate them with one DEL; the hash gets its TTL when
first created (EXPIRE NX), so steady traffic cannot keep it alive forever.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from pydantic import BaseModel
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core import metrics

logger = logging.getLogger(__name__)

_PREFIX = "macro:v1"
_MAX_VALUE_BYTES = 2 * 1024 * 1024
_MISSING_TTL = 3600


def _field(params: dict[str, Any]) -> str:
    canonical = json.dumps(params, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


class ResponseCache:
    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self._redis = redis
        self._ttl = ttl_seconds

    @staticmethod
    def _series_key(series_id: str) -> str:
        return f"{_PREFIX}:series:{series_id}"

    async def get_page(self, series_id: str, params: dict[str, Any]) -> str | None:
        try:
            value = await self._redis.hget(self._series_key(series_id), _field(params))  # type: ignore[misc]
        except RedisError as exc:
            metrics.CACHE_LOOKUPS.labels("series", "error").inc()
            logger.warning("cache read failed", extra={"series_id": series_id, "error": repr(exc)})
            return None
        metrics.CACHE_LOOKUPS.labels("series", "hit" if value is not None else "miss").inc()
        return value

    async def set_page(self, series_id: str, params: dict[str, Any], body: BaseModel) -> None:
        payload = body.model_dump_json()
        if len(payload) > _MAX_VALUE_BYTES:
            return
        key = self._series_key(series_id)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, _field(params), payload)
                pipe.expire(key, self._ttl, nx=True)
                await pipe.execute()
        except RedisError as exc:
            logger.warning("cache write failed", extra={"series_id": series_id, "error": repr(exc)})

    async def get_current(self) -> str | None:
        try:
            value = await self._redis.get(f"{_PREFIX}:current")
        except RedisError as exc:
            metrics.CACHE_LOOKUPS.labels("current", "error").inc()
            logger.warning("cache read failed", extra={"key": "current", "error": repr(exc)})
            return None
        metrics.CACHE_LOOKUPS.labels("current", "hit" if value is not None else "miss").inc()
        return value

    async def set_current(self, body: BaseModel) -> None:
        try:
            await self._redis.set(f"{_PREFIX}:current", body.model_dump_json(), ex=min(self._ttl, 300))
        except RedisError as exc:
            logger.warning("cache write failed", extra={"key": "current", "error": repr(exc)})

    async def is_known_missing(self, series_id: str) -> bool:
        try:
            return bool(await self._redis.exists(f"{_PREFIX}:missing:{series_id}"))
        except RedisError as exc:
            logger.warning("cache read failed", extra={"series_id": series_id, "error": repr(exc)})
            return False

    async def mark_missing(self, series_id: str) -> None:
        try:
            await self._redis.set(f"{_PREFIX}:missing:{series_id}", "1", ex=_MISSING_TTL)
        except RedisError as exc:
            logger.warning("cache write failed", extra={"series_id": series_id, "error": repr(exc)})

    async def invalidate(self, series_id: str) -> None:
        try:
            await self._redis.delete(self._series_key(series_id), f"{_PREFIX}:current")
        except RedisError as exc:
            # Stale entries expire on their own within the TTL.
            logger.warning("cache invalidation failed", extra={"series_id": series_id, "error": repr(exc)})
