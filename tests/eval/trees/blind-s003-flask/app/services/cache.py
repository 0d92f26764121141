"""JSON cache helpers on top of Redis."""
from __future__ import annotations

import json
import logging
from typing import Any, Optional

import redis

from app.extensions import get_redis

logger = logging.getLogger(__name__)

KEY_PREFIX = "econdash"


def cache_key(*parts: str) -> str:
    return ":".join((KEY_PREFIX,) + tuple(str(p) for p in parts))


def get_json(key: str) -> Optional[Any]:
    try:
        raw = get_redis().get(key)
    except redis.RedisError:
        return None
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        logger.warning("Discarding corrupt cache entry %s", key)
        delete(key)
        return None


def set_json(key: str, value: Any, ttl_seconds: int) -> None:
    if ttl_seconds <= 0:
        raise ValueError("ttl_seconds must be positive")
    try:
        get_redis().setex(key, ttl_seconds, json.dumps(value, default=str))
    except redis.RedisError as exc:
        logger.warning("Cache write failed for %s (ttl=%ss): %s", key, ttl_seconds, exc)


def delete(*keys: str) -> int:
    if not keys:
        return 0
    try:
        return int(get_redis().delete(*keys))
    except redis.RedisError as exc:
        logger.warning("Cache delete failed for %d key(s): %s", len(keys), exc)
        return 0


def delete_prefix(prefix: str, batch_size: int = 500) -> int:
    """Delete keys under ``prefix`` using SCAN so Redis is never blocked."""
    client = get_redis()
    removed = 0
    batch = []
    for key in client.scan_iter(match=f"{prefix}*", count=batch_size):
        batch.append(key)
        if len(batch) >= batch_size:
            removed += client.delete(*batch)
            batch.clear()
    if batch:
        removed += client.delete(*batch)
    return removed
