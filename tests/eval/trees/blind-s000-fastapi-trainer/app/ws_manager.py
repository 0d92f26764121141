"""Tracks WebSocket subscribers per training job."""
from __future__ import annotations

import asyncio
import logging

from fastapi import WebSocket

logger = logging.getLogger(__name__)


class ConnectionManager:
    def __init__(self) -> None:
        self._connections: dict[str, list[WebSocket]] = {}
        self._lock = asyncio.Lock()

    async def connect(self, job_id: str, websocket: WebSocket) -> None:
        await websocket.accept()
        async with self._lock:
            self._connections.setdefault(job_id, []).append(websocket)
        logger.debug("ws connected job=%s total=%d", job_id, self.count(job_id))

    async def disconnect(self, job_id: str, websocket: WebSocket) -> None:
        async with self._lock:
            conns = self._connections.get(job_id)
            if not conns:
                return
            if websocket in conns:
                conns.remove(websocket)
            if not conns:
                self._connections.pop(job_id, None)

    def count(self, job_id: str) -> int:
        return len(self._connections.get(job_id, []))

    async def broadcast(self, job_id: str, message: dict) -> None:
        for ws in list(self._connections.get(job_id, [])):
            try:
                await ws.send_json(message)
            except Exception as exc:
                logger.warning("failed to send progress to websocket job=%s: %s", job_id, exc)

    async def close_job(self, job_id: str) -> None:
        async with self._lock:
            conns = self._connections.pop(job_id, [])
        for ws in conns:
            try:
                await ws.close(code=1000)
            except RuntimeError:
                # Client went away first; nothing left to close.
                pass

    async def close_all(self) -> None:
        async with self._lock:
            conns = [ws for group in self._connections.values() for ws in group]
            self._connections.clear()
        for ws in conns:
            try:
                await ws.close(code=1001)
            except RuntimeError:
                # Already closed by the client.
                pass


manager = ConnectionManager()
