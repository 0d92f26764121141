"""Outbound rate limiting for the FRED API (documented limit: 120 req/min per key)."""
from __future__ import annotations

import logging
import threading
import time
from collections import deque

from app.config import get_settings

logger = logging.getLogger(__name__)


class SlidingWindowLimiter:
    """Blocking sliding-window limiter.

    ``acquire()`` waits until a slot is free, up to ``max_wait`` seconds, and
    returns False if none became available in time.
    """

    def __init__(self, max_calls: int, period: float = 60.0) -> None:
        if max_calls < 1:
            raise ValueError("max_calls must be >= 1")
        self.max_calls = max_calls
        self.period = period
        self._calls: deque[float] = deque(maxlen=max_calls)
        self._lock = threading.Lock()

    def _evict(self, now: float) -> None:
        while self._calls and now - self._calls[0] >= self.period:
            self._calls.popleft()

    def acquire(self, max_wait: float = 30.0) -> bool:
        deadline = time.monotonic() + max_wait
        while True:
            with self._lock:
                now = time.monotonic()
                self._evict(now)
                if len(self._calls) < self.max_calls:
                    self._calls.append(now)
                    return True
                wait = self.period - (now - self._calls[0])
            if time.monotonic() + wait > deadline:
                logger.warning("FRED rate limiter: no slot within %.1fs", max_wait)
                return False
            time.sleep(min(wait, 1.0))

    @property
    def in_window(self) -> int:
        with self._lock:
            self._evict(time.monotonic())
            return len(self._calls)


fred_limiter = SlidingWindowLimiter(get_settings().FRED_RATE_LIMIT_PER_MINUTE, 60.0)
