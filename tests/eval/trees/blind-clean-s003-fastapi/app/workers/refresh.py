"""Periodic refresh of the tracked FRED series.

Runs inside each web replica, but only one replica refreshes at a time: a run
first takes a Redis lock (SET NX PX with a random token, released by a
compare-and-delete script). Upserts are idempotent, so if a run outlives the
lock and two overlap, the result is duplicated work, not bad data.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core import metrics
from app.services.cache import ResponseCache
from app.services.data_service import DataService
from app.services.fred_service import FredError, FredNotFound

logger = logging.getLogger(__name__)

LOCK_KEY = "macro:v1:refresh-lock"
_RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""
PER_SERIES_DEADLINE = 180.0


class RefreshWorker:
    def __init__(
        self,
        data: DataService,
        cache: ResponseCache,
        redis: Redis,
        series_ids: list[str],
        interval_seconds: int,
    ) -> None:
        self._data = data
        self._cache = cache
        self._redis = redis
        self._series_ids = series_ids
        self._interval = interval_seconds
        self._lock_ttl_ms = max(300, interval_seconds // 2) * 1000
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.last_success_monotonic: float | None = None

    def start(self) -> None:
        if self._task is not None:
            raise RuntimeError("refresh worker already started")
        self._task = asyncio.create_task(self._run(), name="refresh-worker")
        self._task.add_done_callback(self._on_exit)

    async def stop(self, grace: float = 15.0) -> None:
        if self._task is None:
            return
        self._stop.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=grace)
        except TimeoutError:
            logger.warning("refresh worker did not stop in time; cancelling", extra={"grace_s": grace})
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self._task = None

    def _on_exit(self, task: asyncio.Task[None]) -> None:
        if task.cancelled() or self._stop.is_set():
            return
        exc = task.exception()
        logger.critical("refresh worker exited unexpectedly", exc_info=exc)

    async def _run(self) -> None:
        # Stagger replicas so they do not all contend for the lock at boot.
        if await self._sleep(random.uniform(5, 30)):
            return
        while not self._stop.is_set():
            try:
                await self.run_once()
            except Exception:
                metrics.REFRESH_RUNS.labels("error").inc()
                logger.exception("refresh run failed")
            if await self._sleep(self._interval * random.uniform(0.9, 1.1)):
                return

    async def _sleep(self, seconds: float) -> bool:
        """Sleep, waking early on stop. Returns True if stopping."""
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    async def run_once(self) -> None:
        token = secrets.token_hex(16)
        try:
            acquired = await self._redis.set(LOCK_KEY, token, nx=True, px=self._lock_ttl_ms)
        except RedisError as exc:
            metrics.REFRESH_RUNS.labels("lock_error").inc()
            logger.warning("could not take refresh lock; skipping run", extra={"error": repr(exc)})
            return
        if not acquired:
            metrics.REFRESH_RUNS.labels("skipped").inc()
            logger.debug("refresh lock held elsewhere; skipping run")
            return

        started = time.monotonic()
        failures = 0
        try:
            for series_id in self._series_ids:
                if self._stop.is_set():
                    logger.info("refresh interrupted by shutdown", extra={"series_id": series_id})
                    break
                try:
                    await self._data.ingest(series_id, deadline=PER_SERIES_DEADLINE)
                except FredNotFound:
                    failures += 1
                    metrics.REFRESH_SERIES.labels("not_found").inc()
                    logger.error("tracked series no longer exists on FRED", extra={"series_id": series_id})
                    continue
                except FredError as exc:
                    failures += 1
                    metrics.REFRESH_SERIES.labels("error").inc()
                    logger.warning(
                        "series refresh failed", extra={"series_id": series_id, "error": repr(exc)}
                    )
                    continue
                metrics.REFRESH_SERIES.labels("ok").inc()
                await self._cache.invalidate(series_id)
        finally:
            try:
                await self._redis.eval(_RELEASE_SCRIPT, 1, LOCK_KEY, token)  # type: ignore[misc]
            except RedisError as exc:
                logger.warning("could not release refresh lock; it will expire", extra={"error": repr(exc)})

        elapsed = round(time.monotonic() - started, 2)
        if failures == 0:
            self.last_success_monotonic = time.monotonic()
            metrics.REFRESH_RUNS.labels("ok").inc()
            metrics.REFRESH_LAST_SUCCESS.set_to_current_time()
        else:
            metrics.REFRESH_RUNS.labels("partial").inc()
        logger.info(
            "refresh run finished",
            extra={"series": len(self._series_ids), "failures": failures, "elapsed_s": elapsed},
        )
