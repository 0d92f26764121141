"""A single client WebSocket connection."""
from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Optional

from fastapi import WebSocket
from starlette.websockets import WebSocketState

logger = logging.getLogger(__name__)


class SlowConsumer(Exception):
    pass


class Connection:
    """Wraps a WebSocket with a bounded outbound queue and a writer task.

    Handlers never write to the socket directly; they enqueue frames so that
    a client that stops reading cannot block the coroutine producing them.
    """

    def __init__(self, websocket: WebSocket, user_id: str, username: str, queue_size: int) -> None:
        self.id = uuid.uuid4().hex
        self.websocket = websocket
        self.user_id = user_id
        self.username = username
        self.session_id: Optional[str] = None
        self._outbox: asyncio.Queue[Optional[dict[str, Any]]] = asyncio.Queue(maxsize=queue_size)
        self._writer: Optional[asyncio.Task] = None
        self._closed = asyncio.Event()

    def start_writer(self) -> None:
        self._writer = asyncio.create_task(self._write_loop(), name=f"ws-writer-{self.id}")

    async def _write_loop(self) -> None:
        try:
            while True:
                frame = await self._outbox.get()
                if frame is None:
                    return
                await self.websocket.send_json(frame)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.warning(
                "websocket write failed",
                extra={"conn_id": self.id, "user_id": self.user_id},
                exc_info=True,
            )
        finally:
            self._closed.set()

    def send_json(self, frame: dict[str, Any]) -> None:
        if self._closed.is_set():
            return
        try:
            self._outbox.put_nowait(frame)
        except asyncio.QueueFull:
            logger.warning("dropping slow websocket consumer", extra={"conn_id": self.id, "user_id": self.user_id})
            self._closed.set()
            raise SlowConsumer(self.id)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self._closed.set()
        if self._writer is not None and not self._writer.done():
            self._writer.cancel()
            try:
                await self._writer
            except asyncio.CancelledError:
                pass
        if self.websocket.client_state == WebSocketState.CONNECTED:
            await self.websocket.close(code=code, reason=reason)

    @property
    def closed(self) -> bool:
        return self._closed.is_set()
