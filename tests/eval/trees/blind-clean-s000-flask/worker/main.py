"""Training worker: claims queued jobs and supervises trainer subprocesses.

Run as ``python -m worker.main``. One control loop per process:

* claim queued jobs (``FOR UPDATE SKIP LOCKED``, so several workers can share a queue)
* reap finished trainers and write their outcome
* act on cancel / pause requests, runtime and log-size limits
* heartbeat owned jobs and requeue jobs whose worker disappeared
* retry results that could not be written, and apply disk/memory retention

All of this runs on the main thread, so the in-memory tables need no locks.
SIGTERM/SIGINT only set a flag; the loop then stops trainers (SIGTERM, then
SIGKILL after TERMINATE_GRACE_SECONDS), requeues them and exits.
"""
from __future__ import annotations

import json
import logging
import math
import os
import secrets
import signal
import socket
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Callable

import redis
from prometheus_client import start_http_server
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.clients.registry import ModelRegistryClient, RegistryError
from app.config import Settings
from app.errors import ApiError
from app.extensions import build_engine, build_redis, build_session_factory, session_scope
from app.logging_setup import configure_logging, job_id_var
from app.metrics import WORKER_JOB_OUTCOMES, WORKER_LOOP_ERRORS, WORKER_RUNNING_JOBS
from app.models import TERMINAL_STATUSES, JobStatus, TrainingJob, utcnow
from app.paths import resolve_user_path
from app.services.jobs import WAKEUP_KEY, WORKERS_KEY
from trainer.train import atomic_write_json
from worker.process import (
    EXIT_BAD_CONFIG,
    signal_group,
    spawn_trainer,
    terminate_many,
    terminate_process_gracefully,
)
from worker.retention import cleanup_expired
from worker.state import FailedPersistCache, JobTable, LocalJob, PendingResult

log = logging.getLogger("worker")

MAX_RESULT_BYTES = 64 * 1024
STALE_SWEEP_BATCH = 100
WORKER_REGISTRY_TTL = 3600


class TrainingWorker:
    def __init__(
        self,
        settings: Settings,
        session_factory: sessionmaker[Session],
        redis_client: redis.Redis,
        registry: ModelRegistryClient | None,
    ) -> None:
        self.settings = settings
        self.sessions = session_factory
        self.redis = redis_client
        self.registry = registry
        self.worker_id = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self.jobs = JobTable(settings.completed_job_retention_seconds)
        self.pending = FailedPersistCache(settings.max_failed_persists)
        self._stopping = False
        self._next_run: dict[str, float] = {}
        self._last_redis_warning = 0.0
        self._stop_signal: int | None = None
        self._last_task_error: dict[str, float] = {}

    # ------------------------------------------------------------------ loop

    def request_stop(self, signum: int, _frame) -> None:
        # Only set flags here; the loop notices within one poll interval.
        self._stop_signal = signum
        self._stopping = True

    def _due(self, task: str, interval: float) -> bool:
        now = time.monotonic()
        if now >= self._next_run.get(task, 0.0):
            self._next_run[task] = now + interval
            return True
        return False

    def _run_task(self, name: str, fn: Callable[[], object]) -> object:
        try:
            return fn()
        except Exception:
            WORKER_LOOP_ERRORS.labels(task=name).inc()
            # During an outage every tick fails the same way; keep one traceback a minute per task.
            now = time.monotonic()
            if now - self._last_task_error.get(name, -math.inf) >= 60:
                self._last_task_error[name] = now
                log.exception("worker task failed", extra={"task": name, "worker_id": self.worker_id})
            return None

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)
        s = self.settings
        log.info("worker started", extra={"worker_id": self.worker_id, "max_concurrent": s.worker_max_concurrent_jobs})

        while not self._stopping:
            self._run_task("reap", self.reap)
            self._run_task("limits", self.enforce_limits)
            if self._due("control", s.worker_control_interval):
                self._run_task("control", self.apply_control_requests)
            if self._due("heartbeat", s.stale_job_check_interval):
                self._run_task("heartbeat", self.heartbeat)
                self._run_task("stale", self.requeue_stale_jobs)
            if self._due("retry_persists", s.retry_persist_interval):
                self._run_task("retry_persists", self.retry_failed_persists)
            if self._due("cleanup", s.periodic_cleanup_interval):
                self._run_task("cleanup", self.periodic_cleanup)
            claimed = bool(self._run_task("claim", self.claim_and_start))
            self._touch_heartbeat_file()
            if not claimed and not self._stopping:
                self._wait_for_work()

        self.shutdown()

    def _wait_for_work(self) -> None:
        s = self.settings
        if len(self.jobs.running()) >= s.worker_max_concurrent_jobs:
            time.sleep(s.worker_poll_interval)
            return
        try:
            # Returns early when the API pushes a wake-up; otherwise acts as the poll interval.
            self.redis.blpop([WAKEUP_KEY], timeout=max(1, math.ceil(s.worker_poll_interval)))
        except redis.RedisError as exc:
            now = time.monotonic()
            if now - self._last_redis_warning > 60:
                log.warning("redis unavailable, falling back to polling", extra={"error": str(exc)})
                self._last_redis_warning = now
            time.sleep(s.worker_poll_interval)

    def _touch_heartbeat_file(self) -> None:
        path = self.settings.worker_heartbeat_file
        try:
            path.write_text(str(time.time()))
        except OSError as exc:
            log.warning("could not write heartbeat file", extra={"path": str(path), "error": str(exc)})

    # ------------------------------------------------------------ claiming

    def claim_and_start(self) -> bool:
        started = False
        while not self._stopping and len(self.jobs.running()) < self.settings.worker_max_concurrent_jobs:
            claimed = self._claim_next()
            if claimed is None:
                break
            self._start(claimed)
            started = True
        return started

    def _claim_next(self) -> dict | None:
        with session_scope(self.sessions) as session:
            job = session.execute(
                select(TrainingJob)
                .where(TrainingJob.status == JobStatus.QUEUED)
                .order_by(TrainingJob.priority.desc(), TrainingJob.created_at)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).scalar_one_or_none()
            if job is None:
                return None
            job.status = JobStatus.STARTING
            job.worker_id = self.worker_id
            job.attempts += 1
            job.heartbeat_at = utcnow()
            job.cancel_requested = False
            job.pause_requested = False
            return {
                "id": str(job.id),
                "owner_id": str(job.owner_id),
                "base_model": job.base_model,
                "dataset_path": job.dataset_path,
                "hyperparameters": dict(job.hyperparameters),
                "resume": job.resume_from_checkpoint,
                "attempts": job.attempts,
            }

    def _start(self, claimed: dict) -> None:
        s = self.settings
        job_id = claimed["id"]
        token = job_id_var.set(job_id)
        try:
            job_dir = s.jobs_dir / job_id
            output_dir = job_dir / "output"
            log_path = s.logs_dir / f"job_{job_id}.log"
            try:
                output_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                log.exception("could not prepare job directory")
                self._complete(self._result(job_id, claimed, JobStatus.FAILED, None,
                                            f"could not prepare job directory: {exc.strerror}"))
                return

            try:
                # Re-checked at run time: the dataset may have been replaced since submission.
                dataset = resolve_user_path(s.data_root, claimed["owner_id"], claimed["dataset_path"])
            except ApiError as exc:
                self._complete(self._result(job_id, claimed, JobStatus.FAILED, None,
                                            f"dataset unavailable: {exc.message}"))
                return

            config_path = job_dir / "config.json"
            try:
                atomic_write_json(config_path, {
                    "job_id": job_id,
                    "base_model": claimed["base_model"],
                    "dataset_abspath": str(dataset),
                    "hyperparameters": claimed["hyperparameters"],
                })
                proc = spawn_trainer(python=s.trainer_python, config_path=config_path, output_dir=output_dir,
                                     log_path=log_path, cwd=job_dir, resume=claimed["resume"])
            except OSError as exc:
                log.exception("could not start trainer")
                self._complete(self._result(job_id, claimed, JobStatus.FAILED, None, f"could not start trainer: {exc}"))
                return

            self.jobs.add(LocalJob(job_id=job_id, process=proc, started_monotonic=time.monotonic(),
                                   base_model=claimed["base_model"], output_dir=str(output_dir),
                                   log_path=str(log_path)))
            WORKER_RUNNING_JOBS.inc()
            try:
                with session_scope(self.sessions) as session:
                    session.execute(
                        update(TrainingJob)
                        .where(TrainingJob.id == uuid.UUID(job_id), TrainingJob.worker_id == self.worker_id)
                        .values(
                            # A pause requested while starting must not be overwritten.
                            status=case((TrainingJob.status == JobStatus.STARTING, JobStatus.RUNNING),
                                        else_=TrainingJob.status),
                            pid=proc.pid,
                            started_at=func.coalesce(TrainingJob.started_at, func.now()),
                            heartbeat_at=func.now(),
                        )
                    )
            except SQLAlchemyError:
                # Without a recorded start nobody could cancel or observe this run;
                # stop it and let the stale sweep requeue the job.
                log.exception("could not record trainer start, stopping it", extra={"pid": proc.pid})
                terminate_process_gracefully(proc, s.terminate_grace_seconds)
                self.jobs.mark_finished(job_id, "aborted")
                WORKER_RUNNING_JOBS.dec()
                return
            log.info("trainer started", extra={"pid": proc.pid, "attempt": claimed["attempts"],
                                               "resume": claimed["resume"]})
        finally:
            job_id_var.reset(token)

    # ------------------------------------------------------------ outcomes

    def _result(self, job_id: str, claimed: dict, status: JobStatus, exit_code: int | None,
                error: str | None) -> PendingResult:
        return PendingResult(job_id=job_id, status=status.value, exit_code=exit_code, error=error,
                             metrics=None, base_model=claimed["base_model"], artifact_uri=None)

    def reap(self) -> None:
        for job in self.jobs.running():
            code = job.process.poll() if job.process else None
            if code is not None:
                self._on_exit(job, code)

    def _read_result(self, job: LocalJob) -> dict | None:
        path = Path(job.output_dir) / "result.json"
        try:
            with open(path, "rb") as fh:
                raw = fh.read(MAX_RESULT_BYTES + 1)
        except FileNotFoundError:
            return None
        if len(raw) > MAX_RESULT_BYTES:
            log.warning("result.json too large, ignoring", extra={"job_id": job.job_id})
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            log.warning("result.json is not valid JSON", extra={"job_id": job.job_id})
            return None
        return data if isinstance(data, dict) else None

    def _on_exit(self, job: LocalJob, code: int) -> None:
        token = job_id_var.set(job.job_id)
        try:
            WORKER_RUNNING_JOBS.dec()
            if job.intent == "lost":
                # Another worker owns this job now; whatever we write would be wrong.
                self.jobs.mark_finished(job.job_id, "lost")
                log.warning("stopped trainer for a job this worker no longer owns", extra={"exit_code": code})
                return
            requeue = False
            error = None
            metrics = None
            if code == 0:
                status = JobStatus.SUCCEEDED
                metrics = self._read_result(job)
            elif job.intent == "cancel":
                status = JobStatus.CANCELLED
            elif job.intent == "pause":
                status = JobStatus.PAUSED
            elif job.intent == "shutdown":
                status, requeue = JobStatus.QUEUED, True
            elif job.intent == "timeout":
                status, error = JobStatus.FAILED, f"exceeded MAX_JOB_RUNTIME_SECONDS={self.settings.max_job_runtime_seconds}"
            elif job.intent == "log_limit":
                status, error = JobStatus.FAILED, f"job log exceeded {self.settings.max_job_log_bytes} bytes"
            elif code == EXIT_BAD_CONFIG:
                status, error = JobStatus.FAILED, "invalid configuration or dataset (see job log)"
            elif code < 0:
                status, error = JobStatus.FAILED, f"trainer killed by {signal.Signals(-code).name}"
            else:
                status, error = JobStatus.FAILED, f"trainer exited with code {code} (see job log)"

            self.jobs.mark_finished(job.job_id, status.value)
            WORKER_JOB_OUTCOMES.labels(outcome=status.value).inc()
            log.info("trainer exited", extra={"exit_code": code, "status": status.value, "intent": job.intent})

            result = PendingResult(
                job_id=job.job_id, status=status.value, exit_code=code, error=error, metrics=metrics,
                base_model=job.base_model,
                artifact_uri=f"file://{job.output_dir}/adapter" if status == JobStatus.SUCCEEDED else None,
                needs_registration=status == JobStatus.SUCCEEDED and self.registry is not None,
                requeue=requeue,
            )
            self._complete(result)
        finally:
            job_id_var.reset(token)

    def _try_register(self, result: PendingResult) -> None:
        assert self.registry is not None
        try:
            model = self.registry.register(result.job_id, base_model=result.base_model,
                                           artifact_uri=result.artifact_uri or "", metrics=result.metrics or {})
            result.registered_model_id = f"{model.model_id}@{model.version}"
        except RegistryError as exc:
            log.warning("model registration failed, will retry",
                        extra={"job_id": result.job_id, "error": str(exc)})

    def _complete(self, result: PendingResult, *, register: bool = True) -> bool:
        """Register (if needed) and persist a result. Returns False if the database failed."""
        if register and result.needs_registration and result.registered_model_id is None:
            self._try_register(result)
        try:
            self._persist(result)
        except SQLAlchemyError as exc:
            result.attempts += 1
            log.warning("could not persist job result, queued for retry",
                        extra={"job_id": result.job_id, "status": result.status, "attempts": result.attempts,
                               "error": str(exc)})
            self.pending.put(result)
            return False
        if result.needs_registration and result.registered_model_id is None:
            self.pending.put(result)
        else:
            self.pending.pop(result.job_id)
        return True

    def _persist(self, result: PendingResult) -> None:
        stmt = update(TrainingJob).where(TrainingJob.id == uuid.UUID(result.job_id),
                                         TrainingJob.worker_id == self.worker_id)
        if result.persisted:
            values: dict = {"registered_model_id": result.registered_model_id}
        elif result.requeue:
            values = {
                "status": JobStatus.QUEUED, "worker_id": None, "pid": None, "resume_from_checkpoint": True,
                # An interrupted run because this worker stopped is not the job's fault.
                "attempts": func.greatest(TrainingJob.attempts - 1, 0),
            }
        elif result.status == JobStatus.PAUSED.value:
            values = {"status": JobStatus.PAUSED, "worker_id": None, "pid": None,
                      "pause_requested": False, "resume_from_checkpoint": True}
        else:
            values = {
                "status": JobStatus(result.status), "exit_code": result.exit_code, "error": result.error,
                "metrics": result.metrics, "registered_model_id": result.registered_model_id,
                "pid": None, "finished_at": func.now(), "cancel_requested": False, "pause_requested": False,
            }
        with session_scope(self.sessions) as session:
            rowcount = session.execute(stmt.values(**values)).rowcount
        if rowcount == 0:
            log.warning("job is no longer assigned to this worker, result discarded",
                        extra={"job_id": result.job_id, "status": result.status})
            result.needs_registration = False
        result.persisted = True

    def retry_failed_persists(self) -> None:
        if not len(self.pending):
            return
        log.info("retrying pending job results", extra={"count": len(self.pending)})
        register = True
        for result in self.pending.snapshot():
            if not self._complete(result, register=register):
                # The database is still unavailable; don't spend a connect timeout per entry.
                break
            if result.needs_registration and result.registered_model_id is None:
                # Same for the registry: one failed call (with its own retries) per pass is enough.
                register = False

    # ------------------------------------------------------------ control

    def _stop_job(self, job: LocalJob, intent: str) -> None:
        job.intent = intent
        job.stop_deadline = time.monotonic() + self.settings.terminate_grace_seconds
        if job.process is not None:
            signal_group(job.process, signal.SIGTERM)
        log.info("stopping trainer", extra={"job_id": job.job_id, "intent": intent})

    def enforce_limits(self) -> None:
        now = time.monotonic()
        for job in self.jobs.running():
            if job.stop_deadline is not None:
                if now > job.stop_deadline and not job.killed and job.process is not None:
                    log.warning("trainer did not stop in time, sending SIGKILL",
                                extra={"job_id": job.job_id, "intent": job.intent})
                    signal_group(job.process, signal.SIGKILL)
                    job.killed = True
                continue
            if now - job.started_monotonic > self.settings.max_job_runtime_seconds:
                self._stop_job(job, "timeout")
                continue
            try:
                if os.stat(job.log_path).st_size > self.settings.max_job_log_bytes:
                    self._stop_job(job, "log_limit")
            except FileNotFoundError:
                pass

    def apply_control_requests(self) -> None:
        ids = self.jobs.running_ids()
        if not ids:
            return
        with session_scope(self.sessions) as session:
            rows = session.execute(
                select(TrainingJob.id, TrainingJob.cancel_requested, TrainingJob.pause_requested)
                .where(TrainingJob.id.in_([uuid.UUID(i) for i in ids]), or_(TrainingJob.cancel_requested, TrainingJob.pause_requested))
            ).all()
        for row in rows:
            job = self.jobs.get(str(row.id))
            if job is None or not job.running or job.intent == "cancel":
                continue
            if row.cancel_requested:
                self._stop_job(job, "cancel")
            elif row.pause_requested and job.intent is None:
                self._stop_job(job, "pause")

    def heartbeat(self) -> None:
        # Jobs whose result we still hold are heartbeated too, so the stale sweep
        # does not requeue a run that actually finished.
        ids = self.jobs.running_ids() + [r.job_id for r in self.pending.snapshot() if not r.persisted]
        if ids:
            job_uuids = [uuid.UUID(i) for i in ids]
            with session_scope(self.sessions) as session:
                session.execute(
                    update(TrainingJob)
                    .where(TrainingJob.id.in_(job_uuids), TrainingJob.worker_id == self.worker_id)
                    .values(heartbeat_at=func.now())
                )
                owned = {str(i) for i in session.execute(
                    select(TrainingJob.id).where(TrainingJob.id.in_(job_uuids),
                                                 TrainingJob.worker_id == self.worker_id)
                ).scalars()}
            # If our heartbeats could not reach the database for a while, the stale
            # sweep elsewhere may have handed a job to another worker: stop our copy.
            for job in self.jobs.running():
                if job.job_id not in owned and job.intent != "lost":
                    log.error("job was reassigned while running here", extra={"job_id": job.job_id})
                    self._stop_job(job, "lost")
        try:
            now = time.time()
            pipe = self.redis.pipeline(transaction=False)
            pipe.zadd(WORKERS_KEY, {self.worker_id: now})
            pipe.zremrangebyscore(WORKERS_KEY, 0, now - WORKER_REGISTRY_TTL)
            pipe.execute()
        except redis.RedisError as exc:
            log.warning("could not publish worker heartbeat", extra={"error": str(exc)})

    def requeue_stale_jobs(self) -> None:
        cutoff = utcnow() - timedelta(seconds=self.settings.stale_job_timeout)
        local = set(self.jobs.running_ids())
        changed: list[tuple[str, str]] = []
        with session_scope(self.sessions) as session:
            stale = session.execute(
                select(TrainingJob)
                .where(
                    TrainingJob.status.in_([JobStatus.STARTING, JobStatus.RUNNING, JobStatus.PAUSING]),
                    func.coalesce(TrainingJob.heartbeat_at, TrainingJob.updated_at) < cutoff,
                )
                .order_by(TrainingJob.heartbeat_at)
                .limit(STALE_SWEEP_BATCH)
                .with_for_update(skip_locked=True)
            ).scalars().all()
            for job in stale:
                if str(job.id) in local:
                    continue
                previous_worker = job.worker_id
                if job.cancel_requested:
                    job.status, job.finished_at = JobStatus.CANCELLED, utcnow()
                elif job.status == JobStatus.PAUSING:
                    job.status, job.resume_from_checkpoint = JobStatus.PAUSED, True
                elif job.attempts >= self.settings.max_job_attempts:
                    job.status, job.finished_at = JobStatus.FAILED, utcnow()
                    job.error = f"worker lost; gave up after {job.attempts} attempts"
                else:
                    job.status, job.resume_from_checkpoint = JobStatus.QUEUED, True
                job.worker_id, job.pid = None, None
                job.cancel_requested = job.pause_requested = False
                changed.append((str(job.id), job.status.value))
                log.warning("recovered stale job", extra={"job_id": str(job.id), "previous_worker": previous_worker,
                                                          "new_status": job.status.value})
        if changed:
            log.info("stale sweep finished", extra={"recovered": len(changed)})

    # ------------------------------------------------------------ retention

    def _non_terminal_job_ids(self) -> set[str]:
        with session_scope(self.sessions) as session:
            rows = session.execute(
                select(TrainingJob.id).where(TrainingJob.status.not_in(TERMINAL_STATUSES))
            ).scalars()
            return {str(r) for r in rows}

    def periodic_cleanup(self) -> None:
        dropped = self.jobs.cleanup()
        try:
            protected = self._non_terminal_job_ids()
        except SQLAlchemyError as exc:
            # Without knowing which jobs are still alive, deleting files is not safe.
            log.warning("skipping file retention, database unavailable", extra={"error": str(exc)})
            return
        protected |= set(self.jobs.running_ids())
        protected |= {r.job_id for r in self.pending.snapshot()}
        removed = cleanup_expired(self.settings.logs_dir, self.settings.jobs_dir,
                                  retention_seconds=self.settings.log_retention_seconds,
                                  protected_job_ids=protected)
        log.info("periodic cleanup", extra={"jobs_dropped_from_memory": dropped, **removed,
                                            "jobs_in_memory": len(self.jobs)})

    # ------------------------------------------------------------ shutdown

    def shutdown(self) -> None:
        running = self.jobs.running()
        log.info("worker shutting down", extra={
            "signal": signal.Signals(self._stop_signal).name if self._stop_signal else None,
            "running": len(running), "pending_results": len(self.pending)})
        for job in running:
            if job.intent is None:
                job.intent = "shutdown"
        codes = terminate_many([j.process for j in running if j.process is not None],
                               self.settings.terminate_grace_seconds)
        for job in running:
            pid = job.process.pid if job.process else None
            code = codes.get(pid) if pid is not None else None
            self._on_exit(job, code if code is not None else -signal.SIGKILL)

        self.retry_failed_persists()
        if len(self.pending):
            log.error("exiting with unpersisted job results; the stale sweep will recover them",
                      extra={"count": len(self.pending)})
        try:
            self.redis.zrem(WORKERS_KEY, self.worker_id)
        except redis.RedisError as exc:
            log.warning("could not deregister worker", extra={"error": str(exc)})


def main() -> int:
    settings = Settings.from_env()
    configure_logging("worker", settings.log_level)
    for directory in (settings.logs_dir, settings.jobs_dir):
        directory.mkdir(parents=True, exist_ok=True)

    engine = build_engine(settings)
    # Blocking BLPOP needs a socket timeout longer than the BLPOP timeout itself.
    redis_client = build_redis(settings, socket_timeout=settings.worker_poll_interval + 5)
    registry = None
    if settings.registry_url and settings.registry_token:
        registry = ModelRegistryClient(settings.registry_url, settings.registry_token,
                                       connect_timeout=settings.registry_connect_timeout,
                                       read_timeout=settings.registry_read_timeout,
                                       max_retries=settings.registry_max_retries)
    start_http_server(settings.worker_metrics_port)

    worker = TrainingWorker(settings, build_session_factory(engine), redis_client, registry)
    try:
        worker.run()
    finally:
        if registry is not None:
            registry.close()
        redis_client.close()
        engine.dispose()
    log.info("worker stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
