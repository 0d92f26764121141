"""Client sessions. A session survives reconnects so a shim can resume it."""
from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Session:
    id: str
    client_info: dict[str, Any]
    created_at: float = field(default_factory=time.time)
    last_seen: float = field(default_factory=time.time)
    calls: int = 0


class SessionManager:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}

    @staticmethod
    def _new_id() -> str:
        seed = f"{time.time()}-{random.random()}"
        return hashlib.md5(seed.encode()).hexdigest()

    def create(self, client_info: dict[str, Any] | None) -> Session:
        session = Session(id=self._new_id(), client_info=dict(client_info or {}))
        with self._lock:
            self._sessions[session.id] = session
        return session

    def resume(self, session_id: str) -> Session | None:
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None:
                session.last_seen = time.time()
            return session

    def record_call(self, session_id: str) -> None:
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None:
                session.calls += 1
                session.last_seen = time.time()

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {
                    "id": s.id,
                    "client": s.client_info.get("name", "unknown"),
                    "created_at": s.created_at,
                    "last_seen": s.last_seen,
                    "calls": s.calls,
                }
                for s in self._sessions.values()
            ]

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)
