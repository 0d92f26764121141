"""HTTP client for the OpenAI-compatible chat completions API."""
from __future__ import annotations

import asyncio
import json
import logging
import random
from typing import Any, AsyncIterator

import httpx

from app.config import Settings

logger = logging.getLogger(__name__)

_RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}


class LLMError(Exception):
    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class LLMClient:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._http = httpx.AsyncClient(
            base_url=settings.llm_base_url,
            timeout=httpx.Timeout(settings.llm_request_timeout, connect=settings.llm_connect_timeout),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._settings.llm_api_key}",
            "Content-Type": "application/json",
        }

    def _payload(self, model: str, messages: list[dict[str, str]], stream: bool) -> dict[str, Any]:
        return {
            "model": model,
            "messages": messages,
            "max_tokens": self._settings.llm_max_output_tokens,
            "stream": stream,
        }

    async def complete(self, model: str, messages: list[dict[str, str]]) -> str:
        """Non-streaming completion, used for short side tasks such as titles."""
        payload = self._payload(model, messages, stream=False)
        attempts = max(1, self._settings.llm_max_retries)
        for attempt in range(1, attempts + 1):
            try:
                resp = await self._http.post("/chat/completions", json=payload, headers=self._headers())
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if attempt == attempts:
                    raise LLMError(f"llm transport error: {exc!r}") from exc
                logger.warning(
                    "llm request failed, retrying",
                    extra={"attempt": attempt, "model": model, "error": repr(exc)},
                )
            else:
                if resp.status_code == 200:
                    body = resp.json()
                    return body["choices"][0]["message"]["content"] or ""
                if resp.status_code not in _RETRYABLE_STATUS or attempt == attempts:
                    raise LLMError(
                        f"llm returned {resp.status_code}: {resp.text[:300]}",
                        status_code=resp.status_code,
                    )
                logger.warning(
                    "llm returned retryable status",
                    extra={"attempt": attempt, "model": model, "status": resp.status_code},
                )
            delay = min(8.0, 0.5 * (2 ** (attempt - 1))) + random.uniform(0, 0.25)
            await asyncio.sleep(delay)
        raise LLMError("llm retries exhausted")

    async def stream_chat(self, model: str, messages: list[dict[str, str]]) -> AsyncIterator[str]:
        """Yield content deltas from a streaming chat completion."""
        payload = self._payload(model, messages, stream=True)
        headers = self._headers()
        logger.debug("opening llm stream", extra={"model": model, "headers": headers})
        async with self._http.stream(
            "POST",
            "/chat/completions",
            json=payload,
            headers=headers,
            timeout=None,
        ) as resp:
            if resp.status_code != 200:
                body = (await resp.aread()).decode("utf-8", "replace")
                raise LLMError(f"llm stream returned {resp.status_code}: {body[:300]}",
                               status_code=resp.status_code)
            async for line in resp.aiter_lines():
                if not line or not line.startswith("data:"):
                    continue
                data = line[len("data:"):].strip()
                if data == "[DONE]":
                    break
                try:
                    chunk = json.loads(data)
                except json.JSONDecodeError:
                    logger.warning("skipping malformed llm chunk", extra={"model": model, "chunk": data[:200]})
                    continue
                choices = chunk.get("choices") or []
                if not choices:
                    continue
                delta = choices[0].get("delta", {}).get("content")
                if delta:
                    yield delta

    async def aclose(self) -> None:
        await self._http.aclose()
