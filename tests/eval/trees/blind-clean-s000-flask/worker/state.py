"""In-memory state of one training worker.

The worker runs a single-threaded control loop, so these structures are only
touched from that thread and need no locking. Both are bounded: finished jobs
are dropped after a retention period, and pending result writes are capped.
"""
from __future__ import annotations

import logging
import subprocess
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Iterator

from app.metrics import WORKER_FAILED_PERSISTS, WORKER_FAILED_PERSISTS_EVICTED

log = logging.getLogger(__name__)


@dataclass
class LocalJob:
    job_id: str
    process: subprocess.Popen | None
    started_monotonic: float
    base_model: str
    output_dir: str
    log_path: str = ""
    intent: str | None = None          # why we asked it to stop: cancel, pause, timeout, log_limit, shutdown
    stop_deadline: float | None = None
    killed: bool = False
    finished_monotonic: float | None = None
    outcome: str | None = None

    @property
    def running(self) -> bool:
        return self.finished_monotonic is None


class JobTable:
    def __init__(self, retention_seconds: float, clock=time.monotonic) -> None:
        self._jobs: dict[str, LocalJob] = {}
        self._retention = retention_seconds
        self._clock = clock

    def add(self, job: LocalJob) -> None:
        self._jobs[job.job_id] = job

    def get(self, job_id: str) -> LocalJob | None:
        return self._jobs.get(job_id)

    def running(self) -> list[LocalJob]:
        return [j for j in self._jobs.values() if j.running]

    def running_ids(self) -> list[str]:
        return [j.job_id for j in self._jobs.values() if j.running]

    def mark_finished(self, job_id: str, outcome: str) -> None:
        job = self._jobs.get(job_id)
        if job is not None:
            job.finished_monotonic = self._clock()
            job.outcome = outcome
            job.process = None

    def cleanup(self) -> int:
        cutoff = self._clock() - self._retention
        expired = [
            job_id for job_id, job in self._jobs.items()
            if job.finished_monotonic is not None and job.finished_monotonic < cutoff
        ]
        for job_id in expired:
            del self._jobs[job_id]
        return len(expired)

    def __len__(self) -> int:
        return len(self._jobs)

    def __iter__(self) -> Iterator[LocalJob]:
        return iter(list(self._jobs.values()))


@dataclass
class PendingResult:
    job_id: str
    status: str
    exit_code: int | None
    error: str | None
    metrics: dict | None
    base_model: str
    artifact_uri: str | None
    needs_registration: bool = False
    registered_model_id: str | None = None
    requeue: bool = False
    persisted: bool = False
    attempts: int = 0
    first_failed_at: float = field(default_factory=time.time)


class FailedPersistCache:
    """Results the worker could not write yet, oldest evicted first once full."""

    def __init__(self, max_entries: int) -> None:
        self._entries: OrderedDict[str, PendingResult] = OrderedDict()
        self._max = max_entries

    def put(self, result: PendingResult) -> None:
        if result.job_id in self._entries:
            self._entries.move_to_end(result.job_id)
        self._entries[result.job_id] = result
        while len(self._entries) > self._max:
            evicted_id, evicted = self._entries.popitem(last=False)
            WORKER_FAILED_PERSISTS_EVICTED.inc()
            # The stale-job sweep will eventually fail or requeue this job in the
            # database, so dropping the cached result loses detail, not the job.
            log.error(
                "dropping unpersisted job result, cache full",
                extra={"job_id": evicted_id, "status": evicted.status, "max_entries": self._max},
            )
        WORKER_FAILED_PERSISTS.set(len(self._entries))

    def pop(self, job_id: str) -> PendingResult | None:
        result = self._entries.pop(job_id, None)
        WORKER_FAILED_PERSISTS.set(len(self._entries))
        return result

    def snapshot(self) -> list[PendingResult]:
        return list(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, job_id: str) -> bool:
        return job_id in self._entries
