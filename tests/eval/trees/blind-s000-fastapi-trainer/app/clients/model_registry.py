"""Client for the model registry (HuggingFace-compatible REST API)."""
from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import OrderedDict
from dataclasses import dataclass

import httpx

from app.config import Settings

logger = logging.getLogger(__name__)

_RETRYABLE_STATUS = {429, 502, 503, 504}


@dataclass(frozen=True)
class ModelInfo:
    model_id: str
    parameters: int | None
    gated: bool
    architectures: tuple[str, ...]


class ModelNotFound(Exception):
    pass


class RegistryUnavailable(Exception):
    pass


class _TTLCache:
    """Small LRU cache with a per-entry TTL."""

    def __init__(self, maxsize: int, ttl_s: float) -> None:
        self._data: OrderedDict[str, tuple[float, ModelInfo]] = OrderedDict()
        self._maxsize = maxsize
        self._ttl = ttl_s

    def get(self, key: str) -> ModelInfo | None:
        item = self._data.get(key)
        if item is None:
            return None
        stored_at, value = item
        if time.monotonic() - stored_at > self._ttl:
            self._data.pop(key, None)
            return None
        self._data.move_to_end(key)
        return value

    def put(self, key: str, value: ModelInfo) -> None:
        self._data[key] = (time.monotonic(), value)
        self._data.move_to_end(key)
        while len(self._data) > self._maxsize:
            self._data.popitem(last=False)


class ModelRegistryClient:
    def __init__(self, settings: Settings) -> None:
        self._base_url = settings.model_registry_url.rstrip("/")
        self._max_retries = settings.model_registry_max_retries
        headers = {"User-Agent": "finetune-api/1.4"}
        if settings.hf_token:
            headers["Authorization"] = f"Bearer {settings.hf_token}"
        self._client = httpx.AsyncClient(
            base_url=self._base_url,
            headers=headers,
            timeout=httpx.Timeout(settings.model_registry_timeout_s, connect=5.0),
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        )
        self._cache = _TTLCache(settings.model_cache_size, settings.model_cache_ttl_s)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _get(self, path: str) -> httpx.Response:
        last_exc: Exception | None = None
        for attempt in range(self._max_retries + 1):
            try:
                resp = await self._client.get(path)
            except (httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError) as exc:
                last_exc = exc
                logger.warning("model registry request failed path=%s attempt=%d: %s", path, attempt + 1, exc)
            else:
                if resp.status_code not in _RETRYABLE_STATUS:
                    return resp
                last_exc = RegistryUnavailable(f"status {resp.status_code}")
                logger.warning(
                    "model registry returned %d path=%s attempt=%d", resp.status_code, path, attempt + 1
                )
            if attempt < self._max_retries:
                delay = min(8.0, 0.5 * 2**attempt) + random.uniform(0, 0.25)
                await asyncio.sleep(delay)
        raise RegistryUnavailable(str(last_exc))

    async def get_model(self, model_id: str) -> ModelInfo:
        cached = self._cache.get(model_id)
        if cached is not None:
            return cached

        resp = await self._get(f"/api/models/{model_id}")
        if resp.status_code == 404:
            raise ModelNotFound(model_id)
        if resp.status_code >= 400:
            raise RegistryUnavailable(f"unexpected status {resp.status_code} for {model_id}")

        body = resp.json()
        safetensors = body.get("safetensors") or {}
        info = ModelInfo(
            model_id=model_id,
            parameters=safetensors.get("total"),
            gated=bool(body.get("gated")),
            architectures=tuple((body.get("config") or {}).get("architectures") or ()),
        )
        self._cache.put(model_id, info)
        return info
