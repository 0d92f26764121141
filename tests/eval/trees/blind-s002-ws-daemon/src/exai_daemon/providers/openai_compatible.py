"""Synchronous client for OpenAI-compatible chat APIs (Kimi, GLM)."""
from __future__ import annotations

import logging
from typing import Any

import httpx

from .detection import ProviderSpec

logger = logging.getLogger(__name__)


class ProviderError(RuntimeError):
    pass


class OpenAICompatibleProvider:
    def __init__(self, spec: ProviderSpec, timeout_secs: float = 90.0) -> None:
        self.name = spec.name
        self.default_model = spec.default_model
        self._client = httpx.Client(
            base_url=spec.base_url,
            headers={"Authorization": f"Bearer {spec.api_key}"},
            timeout=httpx.Timeout(timeout_secs, connect=10.0),
        )
        logger.info("provider %s ready (base_url=%s, api_key=%s)", spec.name, spec.base_url, spec.api_key)

    def chat(
        self,
        messages: list[dict[str, str]],
        model: str | None = None,
        temperature: float = 0.3,
        max_tokens: int = 4096,
    ) -> dict[str, Any]:
        payload = {
            "model": model or self.default_model,
            "messages": messages,
            "temperature": temperature,
            "max_tokens": max_tokens,
        }
        resp = self._client.post("/chat/completions", json=payload)
        if resp.status_code >= 400:
            raise ProviderError(f"{self.name} returned HTTP {resp.status_code}: {resp.text[:300]}")
        try:
            data = resp.json()
            message = data["choices"][0]["message"]
        except (ValueError, KeyError, IndexError) as exc:
            raise ProviderError(f"{self.name} returned an unexpected response body") from exc
        return {
            "provider": self.name,
            "model": data.get("model", payload["model"]),
            "content": message.get("content") or "",
            "usage": data.get("usage", {}),
        }

    def close(self) -> None:
        self._client.close()
