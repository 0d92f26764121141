"""Training worker: pulls jobs from Redis, runs trainers as subprocesses and
keeps the database and live clients informed of their state.

Run with ``python -m worker.main``.
"""
from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import redis.asyncio as aioredis

from app.config import get_settings
from app.logging_setup import configure_logging
from app.models import JobStatus
from worker.datasets import DatasetError, ensure_local_dataset
from worker.notify import notify_webhook
from worker.persistence import (
    load_dataset,
    load_job,
    pending_count,
    persist_job_update,
    retry_failed_persists_worker,
)
from worker.process import (
    pause_process,
    resume_process,
    spawn_training_process,
    terminate_process_gracefully,
)
from worker.progress import LogTailer

logger = logging.getLogger("worker")

MAX_CONCURRENT_JOBS = 2
HEALTH_CHECK_INTERVAL = 30
HEARTBEAT_INTERVAL = 10
BLPOP_TIMEOUT = 5


@dataclass
class JobState:
    job_id: str
    proc: subprocess.Popen
    log_path: Path
    tailer: LogTailer
    tailer_task: asyncio.Task
    webhook_url: str | None = None
    status: JobStatus = JobStatus.running
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    return_code: int | None = None


class TrainingWorker:
    def __init__(self) -> None:
        self.settings = get_settings()
        self.redis = aioredis.Redis.from_url(
            self.settings.redis_url,
            decode_responses=True,
            socket_connect_timeout=5,
            socket_timeout=BLPOP_TIMEOUT + 5,
            health_check_interval=30,
        )
        self.jobs: dict[str, JobState] = {}
        self._background: list[asyncio.Task] = []

    # ------------------------------------------------------------------ helpers

    def _active_count(self) -> int:
        return sum(1 for s in self.jobs.values() if s.status in (JobStatus.running, JobStatus.paused))

    def _job_dir(self, job_id: str) -> Path:
        return self.settings.output_dir / job_id

    async def _publish(self, job_id: str, event: dict) -> None:
        event = {"job_id": job_id, **event}
        try:
            await self.redis.publish(self.settings.progress_channel_prefix + job_id, json.dumps(event))
        except aioredis.RedisError as exc:
            logger.warning("could not publish event job=%s: %s", job_id, exc)

    # --------------------------------------------------------------- lifecycle

    async def start_job(self, job_id: str, forced: bool = False) -> None:
        job = await asyncio.to_thread(load_job, job_id)
        if job is None:
            logger.warning("dequeued unknown job=%s", job_id)
            return
        if job.status != JobStatus.queued and not forced:
            logger.info("skipping job=%s in status %s", job_id, job.status.value)
            return

        try:
            dataset = await asyncio.to_thread(load_dataset, job.dataset_id)
            if dataset is None:
                raise DatasetError(f"dataset {job.dataset_id} no longer exists")
            dataset_path = await ensure_local_dataset(dataset, self.settings)

            job_dir = self._job_dir(job_id)
            job_dir.mkdir(parents=True, exist_ok=True)
            train_config = {k: v for k, v in job.config.items() if k not in ("hf_token", "webhook_url")}
            train_config["dataset_path"] = str(dataset_path)
            train_config["output_dir"] = str(job_dir / "model")
            config_path = job_dir / "config.json"
            with open(config_path, "w", encoding="utf-8") as fh:
                json.dump(train_config, fh, indent=2)

            extra_env = {}
            if job.config.get("hf_token"):
                extra_env["HF_TOKEN"] = job.config["hf_token"]

            log_path = self.settings.logs_dir / f"job_{job_id}.log"
            proc = spawn_training_process(job_id, config_path, log_path, extra_env)
        except Exception:
            logger.exception("failed to start job=%s", job_id)
            return

        tailer = LogTailer(
            job_id, log_path, self.redis, self.settings.progress_channel_prefix + job_id
        )
        state = JobState(
            job_id=job_id,
            proc=proc,
            log_path=log_path,
            tailer=tailer,
            tailer_task=asyncio.create_task(tailer.run(), name=f"tail-{job_id}"),
            webhook_url=job.config.get("webhook_url"),
        )
        self.jobs[job_id] = state
        await persist_job_update(
            job_id, status=JobStatus.running, pid=proc.pid, started_at=datetime.now(timezone.utc), error=None
        )
        await self._publish(job_id, {"status": "running", "progress": 0.0})

    async def _finish(self, state: JobState, status: JobStatus, error: str | None = None) -> None:
        state.status = status
        state.finished_at = time.time()
        state.return_code = state.proc.returncode
        state.tailer.stop()
        try:
            await asyncio.wait_for(state.tailer_task, timeout=5)
        except asyncio.TimeoutError:
            state.tailer_task.cancel()

        fields = {"status": status, "error": error, "finished_at": datetime.now(timezone.utc)}
        if status == JobStatus.completed:
            fields["progress"] = 1.0
        await persist_job_update(state.job_id, **fields)
        await self._publish(state.job_id, {"status": status.value, "error": error})
        logger.info("job=%s finished status=%s rc=%s", state.job_id, status.value, state.return_code)

        if state.webhook_url:
            asyncio.create_task(
                notify_webhook(
                    state.webhook_url,
                    {"job_id": state.job_id, "status": status.value, "error": error},
                )
            )

    # ------------------------------------------------------------ control

    async def handle_control(self, message: dict) -> None:
        job_id = message.get("job_id")
        action = message.get("action")
        state = self.jobs.get(job_id or "")
        if state is None or state.status not in (JobStatus.running, JobStatus.paused):
            logger.info("ignoring %s for job=%s (not running here)", action, job_id)
            return

        if action == "cancel":
            state.proc.kill()
            await self._finish(state, JobStatus.cancelled)
        elif action == "pause" and state.status == JobStatus.running:
            if pause_process(state.proc):
                state.status = JobStatus.paused
                await persist_job_update(job_id, status=JobStatus.paused)
                await self._publish(job_id, {"status": "paused"})
        elif action == "resume" and state.status == JobStatus.paused:
            if resume_process(state.proc):
                state.status = JobStatus.running
                await persist_job_update(job_id, status=JobStatus.running)
                await self._publish(job_id, {"status": "running"})
        else:
            logger.warning("unsupported control action=%s job=%s status=%s", action, job_id, state.status)

    async def control_listener(self) -> None:
        pubsub = self.redis.pubsub()
        await pubsub.subscribe(self.settings.control_channel)
        try:
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is None:
                    continue
                try:
                    await self.handle_control(json.loads(message["data"]))
                except json.JSONDecodeError:
                    logger.warning("malformed control message: %.200s", message.get("data"))
                except Exception:
                    logger.exception("control message failed: %.200s", message.get("data"))
        finally:
            await pubsub.aclose()

    # ---------------------------------------------------------- background

    async def periodic_health_check(self) -> None:
        while True:
            await asyncio.sleep(HEALTH_CHECK_INTERVAL)
            for job_id, state in self.jobs.items():
                if state.status not in (JobStatus.running, JobStatus.paused):
                    continue
                rc = state.proc.poll()
                if rc is None:
                    continue
                if rc == 0:
                    await self._finish(state, JobStatus.completed)
                else:
                    await self._finish(state, JobStatus.failed, error=f"trainer exited with code {rc}")

    async def heartbeat(self) -> None:
        key = self.settings.worker_heartbeat_key
        while True:
            try:
                await self.redis.set(
                    key,
                    json.dumps(
                        {
                            "ts": time.time(),
                            "active_jobs": self._active_count(),
                            "pending_persists": pending_count(),
                        }
                    ),
                    ex=HEARTBEAT_INTERVAL * 3,
                )
            except aioredis.RedisError as exc:
                logger.warning("heartbeat failed: %s", exc)
            await asyncio.sleep(HEARTBEAT_INTERVAL)

    async def shutdown(self) -> None:
        logger.info("worker shutting down; stopping %d active jobs", self._active_count())
        for task in self._background:
            task.cancel()
        for state in list(self.jobs.values()):
            if state.status in (JobStatus.running, JobStatus.paused):
                await terminate_process_gracefully(state.proc, self.settings.terminate_grace_period_s)
                await self._finish(state, JobStatus.failed, error="worker shut down")
        await self.redis.aclose()

    # ---------------------------------------------------------------- main

    async def consume(self) -> None:
        queues = [self.settings.queue_name + ":priority", self.settings.queue_name]
        while True:
            if self._active_count() >= MAX_CONCURRENT_JOBS:
                # Forced jobs bypass the limit.
                item = await self.redis.lpop(queues[0])
                if item is not None:
                    await self.start_job(item, forced=True)
                    continue
                await asyncio.sleep(1)
                continue

            try:
                item = await self.redis.blpop(queues, timeout=BLPOP_TIMEOUT)
            except aioredis.ConnectionError as exc:
                logger.error("redis unavailable, backing off: %s", exc)
                await asyncio.sleep(5)
                continue
            if item is None:
                continue
            queue, job_id = item
            await self.start_job(job_id, forced=queue == queues[0])

    async def run(self) -> None:
        self.settings.logs_dir.mkdir(parents=True, exist_ok=True)
        self.settings.output_dir.mkdir(parents=True, exist_ok=True)
        self._background = [
            asyncio.create_task(self.control_listener(), name="control-listener"),
            asyncio.create_task(self.periodic_health_check(), name="health-check"),
            asyncio.create_task(self.heartbeat(), name="heartbeat"),
            asyncio.create_task(
                retry_failed_persists_worker(self.settings.retry_persist_interval_s), name="retry-persists"
            ),
        ]
        logger.info("worker started max_concurrent=%d", MAX_CONCURRENT_JOBS)
        await self.consume()


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level, service="worker")
    worker = TrainingWorker()
    try:
        asyncio.run(worker.run())
    except KeyboardInterrupt:
        asyncio.run(worker.shutdown())


if __name__ == "__main__":
    main()
