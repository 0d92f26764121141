"""Completion webhooks sent to the URL supplied with a training job."""
from __future__ import annotations

import asyncio
import logging

import httpx

logger = logging.getLogger(__name__)

RETRY_DELAY_S = 5.0


async def notify_webhook(url: str, payload: dict) -> None:
    attempt = 0
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0)) as client:
        while True:
            attempt += 1
            try:
                resp = await client.post(url, json=payload)
                resp.raise_for_status()
                logger.info("webhook delivered job=%s status=%d", payload.get("job_id"), resp.status_code)
                return
            except httpx.HTTPError as exc:
                logger.warning(
                    "webhook delivery failed job=%s attempt=%d: %s", payload.get("job_id"), attempt, exc
                )
                await asyncio.sleep(RETRY_DELAY_S)
