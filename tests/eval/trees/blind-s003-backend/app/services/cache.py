"""Thin JSON cache on top of Redis."""
import json
import logging
from typing import Any, Optional

from app.core.config import settings
from app.core.database import get_redis

logger = logging.getLogger(__name__)

KEY_PREFIX = "macro:"


def make_key(*parts: Any) -> str:
    return KEY_PREFIX + ":".join(str(p) for p in parts)


async def cache_get(key: str) -> Optional[Any]:
    try:
        raw = await get_redis().get(key)
        return json.loads(raw) if raw else None
    except Exception:
        return None


async def cache_set(key: str, value: Any, ttl: Optional[int] = None) -> None:
    # A cache outage must not take the API down; log it and carry on.
    try:
        await get_redis().setex(key, ttl or settings.CACHE_TTL_SECONDS, json.dumps(value, default=str))
    except Exception:
        logger.warning("Cache write failed for %s", key, exc_info=True)


async def cache_flush(prefix: str = KEY_PREFIX) -> int:
    redis = get_redis()
    removed = 0
    async for key in redis.scan_iter(match=f"{prefix}*", count=500):
        removed += await redis.delete(key)
    return removed
