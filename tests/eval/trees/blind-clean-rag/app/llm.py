"""OpenAI-compatible client: one shared HTTP pool, timeouts, bounded retries, embedding cache."""
from __future__ import annotations

import array
import asyncio
import hashlib
import logging
import random
from collections import OrderedDict
from typing import Any, Generic, Hashable, TypeVar

import httpx

from app.config import Settings

logger = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_RETRYABLE_STATUS = {408, 429, 500, 502, 503, 504}
_MAX_BACKOFF_S = 8.0


class LLMUnavailable(RuntimeError):
    """The model provider could not produce an answer within our budget."""


class LRUCache(Generic[K, V]):
    """Size-bounded LRU. Used from the event loop only, so no lock is needed:
    get/put never await, hence never interleave."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        try:
            self._data.move_to_end(key)
        except KeyError:
            return None
        return self._data[key]

    def put(self, key: K, value: V) -> None:
        if self.maxsize <= 0:
            return
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


class LLMClient:
    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self._http = httpx.AsyncClient(
            base_url=settings.OPENAI_BASE_URL,
            timeout=httpx.Timeout(settings.LLM_TIMEOUT_S, connect=5.0),
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=10),
            headers={"Authorization": f"Bearer {settings.OPENAI_API_KEY.get_secret_value()}"},
            transport=transport,
        )
        # float32 arrays: ~6 KiB per 1536-dim vector, so the default bound is ~12 MiB.
        self._embeddings: LRUCache[str, array.array] = LRUCache(settings.EMBED_CACHE_SIZE)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        attempts = self.settings.LLM_MAX_RETRIES + 1
        for attempt in range(1, attempts + 1):
            try:
                response = await self._http.post(path, json=payload)
            except httpx.TransportError as exc:
                reason: str = type(exc).__name__
                retry_after = None
            else:
                if response.status_code < 400:
                    return response.json()
                if response.status_code not in _RETRYABLE_STATUS:
                    logger.error("model provider rejected request",
                                 extra={"path": path, "status": response.status_code})
                    raise LLMUnavailable(f"provider returned {response.status_code}")
                reason = f"status {response.status_code}"
                retry_after = response.headers.get("retry-after")
            if attempt == attempts:
                break
            delay = min(_MAX_BACKOFF_S, 0.5 * 2 ** (attempt - 1)) + random.uniform(0, 0.25)
            if retry_after and retry_after.isdigit():
                delay = min(_MAX_BACKOFF_S, max(delay, float(retry_after)))
            logger.warning("model call failed, retrying",
                           extra={"path": path, "attempt": attempt, "reason": reason, "delay_s": round(delay, 2)})
            await asyncio.sleep(delay)
        raise LLMUnavailable(f"{path} failed after {attempts} attempts")

    async def embed(self, text: str) -> list[float]:
        key = hashlib.sha256(f"{self.settings.EMBEDDING_MODEL}\x00{text}".encode()).hexdigest()
        cached = self._embeddings.get(key)
        if cached is not None:
            return cached.tolist()
        data = await self._post("/embeddings", {"model": self.settings.EMBEDDING_MODEL, "input": text})
        vector = data["data"][0]["embedding"]
        self._embeddings.put(key, array.array("f", vector))
        return vector

    async def chat(self, messages: list[dict[str, str]]) -> str:
        data = await self._post(
            "/chat/completions",
            {
                "model": self.settings.CHAT_MODEL,
                "messages": messages,
                "max_tokens": self.settings.LLM_MAX_OUTPUT_TOKENS,
                "temperature": 0.2,
            },
        )
        return data["choices"][0]["message"]["content"] or ""
