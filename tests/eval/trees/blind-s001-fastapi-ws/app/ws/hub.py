"""Tracks open connections on this worker."""
from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from app.ws.connection import Connection, SlowConsumer

logger = logging.getLogger(__name__)


class TooManyConnections(Exception):
    pass


class Hub:
    def __init__(self, max_per_user: int) -> None:
        self._max_per_user = max_per_user
        self._connections: dict[str, Connection] = {}
        self._by_user: dict[str, set[str]] = defaultdict(set)

    def register(self, conn: Connection) -> None:
        user_conns = self._by_user[conn.user_id]
        if len(user_conns) >= self._max_per_user:
            if not user_conns:
                self._by_user.pop(conn.user_id, None)
            raise TooManyConnections(conn.user_id)
        user_conns.add(conn.id)
        self._connections[conn.id] = conn

    def unregister(self, conn: Connection) -> None:
        self._connections.pop(conn.id, None)
        user_conns = self._by_user.get(conn.user_id)
        if user_conns is not None:
            user_conns.discard(conn.id)
            if not user_conns:
                del self._by_user[conn.user_id]

    def count(self) -> int:
        return len(self._connections)

    def connections_for_session(self, session_id: str) -> list[Connection]:
        return [c for c in self._connections.values() if c.session_id == session_id]

    def broadcast(self, frame: dict[str, Any]) -> int:
        """Send a frame to every connection; returns how many accepted it."""
        delivered = 0
        for conn in list(self._connections.values()):
            try:
                conn.send_json(frame)
                delivered += 1
            except SlowConsumer:
                continue
        return delivered

    async def kick_session(self, session_id: str, reason: str) -> int:
        targets = self.connections_for_session(session_id)
        for conn in targets:
            try:
                await conn.close(code=4000, reason=reason)
            except Exception:
                logger.warning("failed to close connection", extra={"conn_id": conn.id}, exc_info=True)
        return len(targets)

    async def shutdown(self) -> None:
        logger.info("closing websocket connections", extra={"count": len(self._connections)})
        for conn in list(self._connections.values()):
            await conn.close(code=1001, reason="server shutting down")
        self._connections.clear()
        self._by_user.clear()
