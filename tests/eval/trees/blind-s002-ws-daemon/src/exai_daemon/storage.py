"""Conversation persistence: Redis for the hot window, Supabase for history."""
from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import redis
import requests

from .config import Settings

logger = logging.getLogger(__name__)

_CONV_KEY = "exai:conv:{session_id}"


class Storage:
    def __init__(self, settings: Settings) -> None:
        self._redis = redis.Redis.from_url(settings.redis_url, decode_responses=True)
        self._supabase_url = settings.supabase_url.rstrip("/")
        self._headers = {
            "apikey": settings.supabase_key,
            "Authorization": f"Bearer {settings.supabase_key}",
            "Content-Type": "application/json",
            "Prefer": "return=minimal",
        }

    # -- Redis -----------------------------------------------------------

    def cache_turn(self, session_id: str, tool: str, content: str) -> None:
        key = _CONV_KEY.format(session_id=session_id)
        entry = json.dumps({"tool": tool, "content": content, "ts": time.time()})
        self._redis.rpush(key, entry)

    def recent_turns(self, session_id: str, limit: int = 20) -> list[dict[str, Any]]:
        key = _CONV_KEY.format(session_id=session_id)
        return [json.loads(item) for item in self._redis.lrange(key, -limit, -1)]

    def ping(self) -> bool:
        try:
            return bool(self._redis.ping())
        except redis.RedisError as exc:
            logger.warning("redis ping failed: %s", exc)
            return False

    # -- Supabase --------------------------------------------------------

    def _insert(self, table: str, row: dict[str, Any]) -> None:
        resp = requests.post(f"{self._supabase_url}/rest/v1/{table}", json=row, headers=self._headers)
        resp.raise_for_status()

    async def save_turn(self, session_id: str, tool: str, arguments: dict[str, Any], result: dict[str, Any]) -> None:
        row = {
            "session_id": session_id,
            "tool": tool,
            "arguments": arguments,
            "provider": result.get("provider"),
            "model": result.get("model"),
            "content": result.get("content", ""),
            "usage": result.get("usage", {}),
        }
        try:
            await asyncio.to_thread(self._insert, "exai_messages", row)
            await asyncio.to_thread(self.cache_turn, session_id, tool, row["content"])
        except Exception:
            pass
