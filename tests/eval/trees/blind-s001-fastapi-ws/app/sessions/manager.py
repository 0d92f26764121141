"""In-process registry of chat sessions served by this worker."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Optional


@dataclass
class SessionState:
    id: str
    user_id: str
    model: str
    started_at: float
    last_activity: float
    ended_at: Optional[float] = None
    turns: int = 0
    titled: bool = False
    tokens_streamed: int = 0
    connection_ids: set[str] = field(default_factory=set)

    @property
    def active(self) -> bool:
        return self.ended_at is None


class SessionManager:
    def __init__(self) -> None:
        self._sessions: dict[str, SessionState] = {}

    def start(self, user_id: str, model: str, connection_id: str) -> SessionState:
        now = time.time()
        state = SessionState(
            id=uuid.uuid4().hex,
            user_id=user_id,
            model=model,
            started_at=now,
            last_activity=now,
        )
        state.connection_ids.add(connection_id)
        self._sessions[state.id] = state
        return state

    def get(self, session_id: str) -> Optional[SessionState]:
        return self._sessions.get(session_id)

    def touch(self, session_id: str, streamed_chars: int = 0) -> None:
        state = self._sessions.get(session_id)
        if state is None:
            return
        state.last_activity = time.time()
        state.turns += 1
        state.tokens_streamed += streamed_chars

    def end(self, session_id: str, connection_id: str) -> None:
        state = self._sessions.get(session_id)
        if state is None:
            return
        state.connection_ids.discard(connection_id)
        if not state.connection_ids:
            state.ended_at = time.time()

    def active_count(self) -> int:
        return sum(1 for s in self._sessions.values() if s.active)

    def snapshot(self) -> list[dict]:
        return [
            {
                "id": s.id,
                "user_id": s.user_id,
                "model": s.model,
                "turns": s.turns,
                "active": s.active,
                "started_at": s.started_at,
                "last_activity": s.last_activity,
            }
            for s in self._sessions.values()
        ]
