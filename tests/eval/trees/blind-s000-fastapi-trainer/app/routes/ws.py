"""WebSocket stream of training progress.

Progress events are published by the worker on Redis and fanned out to the
connected clients by ``app.progress_relay``; this handler only registers the
socket and keeps it open.
"""
from __future__ import annotations

import logging
import uuid

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from app.ws_manager import manager

logger = logging.getLogger(__name__)

router = APIRouter()


@router.websocket("/ws/training/{job_id}")
async def training_progress(websocket: WebSocket, job_id: str) -> None:
    try:
        job_id = str(uuid.UUID(job_id))
    except ValueError:
        await websocket.close(code=1008)
        return

    await manager.connect(job_id, websocket)
    try:
        while True:
            # Clients send periodic pings; content is ignored.
            await websocket.receive_text()
    except WebSocketDisconnect:
        logger.debug("client disconnected from job=%s", job_id)
    finally:
        await manager.disconnect(job_id, websocket)
