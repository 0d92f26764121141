"""Job lifecycle operations used by the API.

The database is the source of truth for job state. The API only records the
caller's intent (queue, cancel, pause, resume); the training worker that owns a
running job acts on it and writes the outcome.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime

import redis
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound
from app.models import QUOTA_STATUSES, JobStatus, Owner, TrainingJob, utcnow
from app.validation import TrainingSpec

log = logging.getLogger(__name__)

WAKEUP_KEY = "training:wakeup"
WAKEUP_MAX_LEN = 1000
WORKERS_KEY = "training:workers"
FORCE_START_PRIORITY = 100


def _lock_owner(session: Session, owner_id: uuid.UUID) -> None:
    """Serialise quota checks and inserts for one owner across API instances."""
    found = session.execute(
        select(Owner.id).where(Owner.id == owner_id).with_for_update()
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("owner not found")


def _active_count(session: Session, owner_id: uuid.UUID) -> int:
    return session.execute(
        select(func.count()).select_from(TrainingJob).where(
            TrainingJob.owner_id == owner_id, TrainingJob.status.in_(QUOTA_STATUSES)
        )
    ).scalar_one()


def create_job(
    session: Session,
    *,
    owner_id: uuid.UUID,
    spec: TrainingSpec,
    idempotency_key: str | None,
    max_active: int,
) -> tuple[TrainingJob, bool]:
    """Insert a queued job. Returns (job, created); replays return the original job."""
    _lock_owner(session, owner_id)

    if idempotency_key:
        existing = session.execute(
            select(TrainingJob).where(
                TrainingJob.owner_id == owner_id, TrainingJob.idempotency_key == idempotency_key
            )
        ).scalar_one_or_none()
        if existing is not None:
            return existing, False

    if _active_count(session, owner_id) >= max_active:
        raise Conflict(f"at most {max_active} queued, running or paused jobs per account",
                       code="quota_exceeded")

    job = TrainingJob(
        owner_id=owner_id,
        idempotency_key=idempotency_key,
        status=JobStatus.QUEUED,
        base_model=spec.base_model,
        dataset_path=spec.dataset_path,
        hyperparameters=spec.hyperparameters,
    )
    session.add(job)
    try:
        session.flush()
    except IntegrityError as exc:
        # Only reachable if the owner lock was bypassed; surface it as a conflict.
        session.rollback()
        raise Conflict("duplicate Idempotency-Key") from exc
    return job, True


def get_owned_job(session: Session, job_id: uuid.UUID, owner_id: uuid.UUID, *, for_update: bool = False) -> TrainingJob:
    stmt = select(TrainingJob).where(TrainingJob.id == job_id, TrainingJob.owner_id == owner_id)
    if for_update:
        stmt = stmt.with_for_update()
    job = session.execute(stmt).scalar_one_or_none()
    if job is None:
        # Same answer for "missing" and "someone else's" so ids cannot be probed.
        raise NotFound("job not found")
    return job


def list_owned_jobs(
    session: Session, owner_id: uuid.UUID, *, limit: int, before: datetime | None, status: JobStatus | None
) -> list[TrainingJob]:
    stmt = select(TrainingJob).where(TrainingJob.owner_id == owner_id)
    if before is not None:
        stmt = stmt.where(TrainingJob.created_at < before)
    if status is not None:
        stmt = stmt.where(TrainingJob.status == status)
    stmt = stmt.order_by(TrainingJob.created_at.desc()).limit(limit)
    return list(session.execute(stmt).scalars())


def cancel_job(session: Session, job_id: uuid.UUID, owner_id: uuid.UUID) -> TrainingJob:
    job = get_owned_job(session, job_id, owner_id, for_update=True)
    if job.status in (JobStatus.QUEUED, JobStatus.PAUSED):
        job.status = JobStatus.CANCELLED
        job.finished_at = utcnow()
    elif job.status in (JobStatus.STARTING, JobStatus.RUNNING, JobStatus.PAUSING):
        job.cancel_requested = True
    else:
        raise Conflict(f"job is already {job.status.value}")
    return job


def pause_job(session: Session, job_id: uuid.UUID, owner_id: uuid.UUID) -> TrainingJob:
    job = get_owned_job(session, job_id, owner_id, for_update=True)
    if job.status == JobStatus.QUEUED:
        job.status = JobStatus.PAUSED
    elif job.status in (JobStatus.STARTING, JobStatus.RUNNING):
        job.status = JobStatus.PAUSING
        job.pause_requested = True
    else:
        raise Conflict(f"cannot pause a job that is {job.status.value}")
    return job


def resume_job(session: Session, job_id: uuid.UUID, owner_id: uuid.UUID) -> TrainingJob:
    # No quota check: a paused job already counts against the owner's quota.
    job = get_owned_job(session, job_id, owner_id, for_update=True)
    if job.status != JobStatus.PAUSED:
        raise Conflict(f"cannot resume a job that is {job.status.value}")
    job.status = JobStatus.QUEUED
    job.pause_requested = False
    job.resume_from_checkpoint = job.started_at is not None
    return job


def force_start(session: Session, job_id: uuid.UUID, owner_id: uuid.UUID) -> TrainingJob:
    job = get_owned_job(session, job_id, owner_id, for_update=True)
    if job.status != JobStatus.QUEUED:
        raise Conflict(f"only queued jobs can be force-started, job is {job.status.value}")
    job.priority = FORCE_START_PRIORITY
    return job


def notify_worker(client: redis.Redis, job_id: uuid.UUID) -> None:
    """Wake an idle worker. Best effort: workers also poll the database."""
    try:
        pipe = client.pipeline(transaction=False)
        pipe.lpush(WAKEUP_KEY, str(job_id))
        pipe.ltrim(WAKEUP_KEY, 0, WAKEUP_MAX_LEN - 1)
        pipe.execute()
    except redis.RedisError as exc:
        log.warning("could not notify workers; job will be picked up by polling",
                    extra={"job_id": str(job_id), "error": str(exc)})
