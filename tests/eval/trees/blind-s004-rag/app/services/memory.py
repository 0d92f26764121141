import json
import logging
import time

import redis.asyncio as redis

from app.core.config import settings

logger = logging.getLogger(__name__)


class RedisMemoryService:
    """Conversation history per session, stored as a JSON list in Redis."""

    def __init__(self) -> None:
        self.redis: redis.Redis | None = None

    async def connect(self) -> None:
        self.redis = redis.from_url(settings.REDIS_URL, decode_responses=True)
        await self.redis.ping()

    def _key(self, session_id: str) -> str:
        return f"chat:history:{session_id}"

    async def get_history(self, session_id: str, limit: int = 10) -> list[dict]:
        raw = await self.redis.get(self._key(session_id))
        if not raw:
            return []
        history = json.loads(raw)
        return [{"role": m["role"], "content": m["content"]} for m in history[-limit:]]

    async def append_message(self, session_id: str, role: str, content: str) -> None:
        key = self._key(session_id)
        raw = await self.redis.get(key)
        history = json.loads(raw) if raw else []
        history.append({"role": role, "content": content, "ts": time.time()})
        await self.redis.set(key, json.dumps(history))

    async def full_history(self, session_id: str) -> list[dict]:
        raw = await self.redis.get(self._key(session_id))
        return json.loads(raw) if raw else []


redis_memory_service = RedisMemoryService()
