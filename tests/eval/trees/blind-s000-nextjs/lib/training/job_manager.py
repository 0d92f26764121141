import asyncio
import json
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import WebSocket
from supabase import Client, create_client

import settings

logger = logging.getLogger("training.jobs")


# --------------------------------------------------------------------------- persistence

_supabase: Client | None = None

# job_id -> row that could not be written to Supabase
failed_persists: dict[str, dict[str, Any]] = {}


def get_supabase() -> Client:
    global _supabase
    if _supabase is None:
        _supabase = create_client(settings.SUPABASE_URL, settings.SUPABASE_SERVICE_KEY)
    return _supabase


def _upsert(row: dict[str, Any]) -> None:
    get_supabase().table("training_jobs").upsert(row).execute()


async def persist_job_status(job_id: str, status: str, **extra: Any) -> None:
    row = {"id": job_id, "status": status, **extra}
    try:
        # supabase-py is synchronous; keep it off the event loop.
        await asyncio.to_thread(_upsert, row)
    except Exception:
        logger.warning("could not persist status for job %s, queued for retry", job_id, exc_info=True)
        failed_persists[job_id] = row


async def retry_failed_persists_worker() -> None:
    while True:
        if failed_persists:
            logger.info("retrying %d failed persists", len(failed_persists))
        for job_id, row in list(failed_persists.items()):
            try:
                await asyncio.to_thread(_upsert, row)
                failed_persists.pop(job_id, None)
            except Exception:
                pass
        await asyncio.sleep(300)


# --------------------------------------------------------------------------- websockets


class ConnectionManager:
    """Tracks WebSocket subscribers per training job."""

    def __init__(self) -> None:
        self.active: dict[str, list[WebSocket]] = {}
        self._lock = asyncio.Lock()

    async def connect(self, job_id: str, websocket: WebSocket) -> None:
        await websocket.accept()
        async with self._lock:
            self.active.setdefault(job_id, []).append(websocket)

    def disconnect(self, job_id: str, websocket: WebSocket) -> None:
        sockets = self.active.get(job_id)
        if sockets and websocket in sockets:
            sockets.remove(websocket)

    async def broadcast(self, job_id: str, message: dict) -> None:
        for websocket in self.active.get(job_id, []):
            try:
                await websocket.send_json(message)
            except Exception:
                logger.info("dropping dead websocket for job %s", job_id)
                self.disconnect(job_id, websocket)


manager = ConnectionManager()


# --------------------------------------------------------------------------- jobs


class JobLimitError(Exception):
    pass


class JobNotFound(Exception):
    pass


@dataclass
class Job:
    id: str
    params: dict[str, Any]
    status: str = "queued"
    progress: float = 0.0
    process: asyncio.subprocess.Process | None = None
    log_path: Path | None = None
    created_at: float = field(default_factory=time.time)
    finished_at: float | None = None


jobs: dict[str, Job] = {}
_watchers: set[asyncio.Task] = set()


def running_count() -> int:
    return sum(1 for j in jobs.values() if j.status in ("starting", "running", "paused"))


def get_job(job_id: str) -> Job:
    job = jobs.get(job_id)
    if job is None:
        raise JobNotFound(job_id)
    return job


async def _download_dataset(job_id: str, url: str) -> Path:
    target_dir = settings.DATASETS_DIR / job_id
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / "train.jsonl"
    async with httpx.AsyncClient(timeout=None, follow_redirects=True) as client:
        async with client.stream("GET", url) as resp:
            resp.raise_for_status()
            with open(target, "wb") as fh:
                async for chunk in resp.aiter_bytes(1 << 20):
                    fh.write(chunk)
    return target


async def start_job(job_id: str, params: dict[str, Any]) -> Job:
    if job_id in jobs:
        return jobs[job_id]
    if running_count() >= settings.MAX_CONCURRENT_JOBS:
        raise JobLimitError(f"{settings.MAX_CONCURRENT_JOBS} jobs already running")

    dataset_path = await _download_dataset(job_id, params["dataset_url"])

    settings.LOGS_DIR.mkdir(parents=True, exist_ok=True)
    log_path = settings.LOGS_DIR / f"job_{job_id}.log"
    config_path = dataset_path.with_name("config.json")
    with open(config_path, "w") as fh:
        json.dump({**params, "dataset_path": str(dataset_path)}, fh)

    log_file = open(log_path, "ab")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(settings.TRAIN_SCRIPT),
        "--config",
        str(config_path),
        stdout=log_file,
        stderr=asyncio.subprocess.STDOUT,
    )
    job = Job(id=job_id, params=params, status="running", process=process, log_path=log_path)
    jobs[job_id] = job
    await persist_job_status(job_id, "running", pid=process.pid)
    watcher = asyncio.create_task(_watch(job), name=f"watch-{job_id}")
    _watchers.add(watcher)
    watcher.add_done_callback(_watchers.discard)
    return job


async def _watch(job: Job) -> None:
    assert job.process is not None
    returncode = await job.process.wait()
    job.finished_at = time.time()
    if job.status != "cancelled":
        job.status = "completed" if returncode == 0 else "failed"
    print(f"job {job.id} exited with code {returncode}, status={job.status}")
    await persist_job_status(job.id, job.status, exit_code=returncode)
    await manager.broadcast(job.id, {"type": "status", "status": job.status})


def pause_job(job_id: str) -> Job:
    job = get_job(job_id)
    if job.status != "running" or job.process is None:
        raise ValueError(f"job {job_id} is {job.status}")
    os.kill(job.process.pid, signal.SIGSTOP)
    job.status = "paused"
    return job


def resume_job(job_id: str) -> Job:
    job = get_job(job_id)
    if job.status != "paused" or job.process is None:
        raise ValueError(f"job {job_id} is {job.status}")
    os.kill(job.process.pid, signal.SIGCONT)
    job.status = "running"
    return job


async def cancel_job(job_id: str) -> Job:
    job = get_job(job_id)
    if job.process is None or job.process.returncode is not None:
        return job
    job.status = "cancelled"
    job.process.kill()
    await persist_job_status(job_id, "cancelled")
    return job


def read_log_tail(job_id: str, tail: int) -> str:
    job = get_job(job_id)
    if job.log_path is None or not job.log_path.exists():
        return ""
    with open(job.log_path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - tail * 200))
        lines = fh.read().decode("utf-8", errors="replace").splitlines()
    return "\n".join(lines[-tail:])


async def periodic_health_check() -> None:
    """Marks jobs whose process vanished (OOM-killed, node restart) as failed."""
    while True:
        try:
            for job in list(jobs.values()):
                proc = job.process
                if job.status == "running" and proc is not None and proc.returncode is not None:
                    logger.warning("job %s process gone (rc=%s)", job.id, proc.returncode)
                    job.status = "failed"
                    await persist_job_status(job.id, "failed", exit_code=proc.returncode)
            await asyncio.sleep(30)
        except Exception:
            logger.exception("periodic health check iteration failed")
            continue
