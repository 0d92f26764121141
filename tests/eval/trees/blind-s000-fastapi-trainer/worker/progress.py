"""Follows a job's log file and turns PROGRESS lines into events.

The trainer prints lines of the form ``PROGRESS {"epoch": 1, "step": 120, ...}``.
Each event is published to Redis for live clients; the job row is updated at
most every ``db_interval_s`` seconds to keep write volume down.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path

import redis.asyncio as aioredis

from worker.persistence import persist_job_update

logger = logging.getLogger(__name__)

PROGRESS_PREFIX = "PROGRESS "
MAX_LINE_BYTES = 64 * 1024


class LogTailer:
    def __init__(
        self,
        job_id: str,
        log_path: Path,
        redis: aioredis.Redis,
        channel: str,
        poll_interval_s: float = 1.0,
        db_interval_s: float = 10.0,
    ) -> None:
        self.job_id = job_id
        self.log_path = log_path
        self.redis = redis
        self.channel = channel
        self.poll_interval_s = poll_interval_s
        self.db_interval_s = db_interval_s
        self._offset = 0
        self._last_db_write = 0.0
        self._stopped = asyncio.Event()

    def stop(self) -> None:
        self._stopped.set()

    def _read_new_lines(self) -> list[str]:
        if not self.log_path.exists():
            return []
        with open(self.log_path, "r", encoding="utf-8", errors="replace") as fh:
            fh.seek(self._offset)
            lines = []
            while True:
                line = fh.readline(MAX_LINE_BYTES)
                if not line or not line.endswith("\n"):
                    # Partial line: re-read it on the next poll.
                    break
                lines.append(line)
                self._offset = fh.tell()
        return lines

    async def _handle(self, event: dict) -> None:
        event.setdefault("job_id", self.job_id)
        event.setdefault("status", "running")
        await self.redis.publish(self.channel, json.dumps(event))

        now = time.monotonic()
        if now - self._last_db_write >= self.db_interval_s:
            self._last_db_write = now
            await persist_job_update(
                self.job_id,
                progress=float(event.get("progress", 0.0)),
                current_epoch=int(event.get("epoch", 0)),
                last_loss=event.get("loss"),
            )

    async def run(self) -> None:
        while not self._stopped.is_set():
            for line in await asyncio.to_thread(self._read_new_lines):
                if not line.startswith(PROGRESS_PREFIX):
                    continue
                try:
                    event = json.loads(line[len(PROGRESS_PREFIX):])
                except json.JSONDecodeError:
                    logger.debug("unparseable progress line job=%s: %.200s", self.job_id, line)
                    continue
                try:
                    await self._handle(event)
                except Exception:
                    logger.exception("failed to handle progress event job=%s", self.job_id)
            try:
                await asyncio.wait_for(self._stopped.wait(), timeout=self.poll_interval_s)
            except asyncio.TimeoutError:
                pass
