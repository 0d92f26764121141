"""Relays worker progress events from Redis pub/sub to WebSocket clients."""
from __future__ import annotations

import json
import logging

from app.config import get_settings
from app.redis_client import get_redis
from app.ws_manager import manager

logger = logging.getLogger(__name__)

_TERMINAL = {"completed", "failed", "cancelled"}


async def relay_progress() -> None:
    settings = get_settings()
    prefix = settings.progress_channel_prefix
    pubsub = get_redis().pubsub()
    await pubsub.psubscribe(prefix + "*")
    logger.info("progress relay subscribed to %s*", prefix)
    try:
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is None:
                continue
            channel = message.get("channel") or ""
            job_id = channel[len(prefix):]
            try:
                payload = json.loads(message["data"])
            except (TypeError, json.JSONDecodeError):
                logger.warning("dropping malformed progress message on %s", channel)
                continue
            if manager.count(job_id) == 0:
                continue
            await manager.broadcast(job_id, payload)
            if payload.get("status") in _TERMINAL:
                await manager.close_job(job_id)
    finally:
        await pubsub.aclose()
