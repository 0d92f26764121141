"""Sliding-window rate limiting for chat messages."""
from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float = 0.0
    remaining: int = 0


class SlidingWindowLimiter:
    """Allows ``limit`` events per ``window`` seconds for each key."""

    def __init__(self, limit: int, window: float, clock=time.monotonic) -> None:
        if limit <= 0 or window <= 0:
            raise ValueError("limit and window must be positive")
        self._limit = limit
        self._window = window
        self._clock = clock
        self._events: dict[str, deque[float]] = defaultdict(deque)

    def check(self, key: str) -> Decision:
        now = self._clock()
        events = self._events[key]
        cutoff = now - self._window
        while events and events[0] <= cutoff:
            events.popleft()
        if len(events) >= self._limit:
            retry_after = events[0] + self._window - now
            return Decision(False, retry_after=max(retry_after, 0.0), remaining=0)
        events.append(now)
        return Decision(True, remaining=self._limit - len(events))

    def allow(self, key: str) -> bool:
        return self.check(key).allowed

    def tracked_keys(self) -> int:
        return len(self._events)
