"""Training job endpoints: submit, validate, control and inspect fine-tuning jobs."""
from __future__ import annotations

import json
import logging
import uuid
from collections import deque
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import Principal, rate_limited_api_key, require_api_key
from app.clients.model_registry import ModelNotFound, RegistryUnavailable
from app.config import get_settings
from app.db import get_db
from app.models import TERMINAL_STATUSES, Dataset, JobStatus, TrainingJob
from app.redis_client import get_redis
from app.schemas import (
    ControlResponse,
    ExecuteResponse,
    JobList,
    JobOut,
    TrainingConfig,
    ValidateResponse,
)

logger = logging.getLogger(__name__)
settings = get_settings()

router = APIRouter(prefix="/api/training", tags=["training"])

MAX_LOG_LINES = 2000


def _parse_job_id(job_id: str) -> str:
    try:
        return str(uuid.UUID(job_id))
    except ValueError:
        raise HTTPException(status_code=status.HTTP_400_BAD_REQUEST, detail="Invalid job id")


def _owned_job(db: Session, job_id: str, principal: Principal) -> TrainingJob:
    job = db.execute(
        select(TrainingJob).where(TrainingJob.id == job_id, TrainingJob.owner == principal.owner)
    ).scalar_one_or_none()
    if job is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Job not found")
    return job


def _load_job(db: Session, job_id: str) -> TrainingJob:
    job = db.get(TrainingJob, job_id)
    if job is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Job not found")
    return job


def _to_out(job: TrainingJob) -> JobOut:
    out = JobOut.model_validate(job)
    out.dataset_name = job.dataset.name if job.dataset else None
    return out


async def _publish_control(job_id: str, action: str) -> None:
    payload = json.dumps({"job_id": job_id, "action": action, "ts": datetime.now(timezone.utc).isoformat()})
    receivers = await get_redis().publish(settings.control_channel, payload)
    if receivers == 0:
        logger.warning("no worker subscribed to control channel; action=%s job=%s", action, job_id)


@router.post("/validate", response_model=ValidateResponse)
async def validate_config(
    config: TrainingConfig,
    request: Request,
    principal: Principal = Depends(rate_limited_api_key),
    db: Session = Depends(get_db),
) -> ValidateResponse:
    errors: list[str] = []
    warnings: list[str] = []

    dataset = db.get(Dataset, config.dataset_id)
    if dataset is None or dataset.owner != principal.owner:
        errors.append(f"dataset {config.dataset_id} not found")

    params: int | None = None
    registry = request.app.state.model_registry
    try:
        info = await registry.get_model(config.base_model)
        params = info.parameters
        if info.gated and not config.hf_token:
            errors.append(f"{config.base_model} is gated; an hf_token is required")
        if config.method == "full" and params and params > 3_000_000_000:
            warnings.append("full fine-tuning of >3B parameter models will likely run out of GPU memory")
    except ModelNotFound:
        errors.append(f"model {config.base_model} not found in registry")
    except RegistryUnavailable as exc:
        logger.warning("registry unavailable while validating model=%s: %s", config.base_model, exc)
        warnings.append("model registry unavailable; model could not be verified")

    return ValidateResponse(valid=not errors, errors=errors, warnings=warnings, estimated_parameters=params)


@router.post("/execute", response_model=ExecuteResponse, status_code=status.HTTP_202_ACCEPTED)
async def execute_training(
    config: TrainingConfig,
    principal: Principal = Depends(require_api_key),
    db: Session = Depends(get_db),
) -> ExecuteResponse:
    dataset = db.get(Dataset, config.dataset_id)
    if dataset is None or dataset.owner != principal.owner:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Dataset not found")

    logger.info("submitting training job for owner=%s config=%s", principal.owner, config.model_dump())

    job = TrainingJob(
        owner=principal.owner,
        dataset_id=dataset.id,
        base_model=config.base_model,
        status=JobStatus.queued,
        config=config.model_dump(),
    )
    db.add(job)
    db.commit()

    try:
        await get_redis().rpush(settings.queue_name, job.id)
    except Exception:
        logger.exception("failed to enqueue job=%s; marking failed", job.id)
        job.status = JobStatus.failed
        job.error = "could not enqueue job"
        db.commit()
        raise HTTPException(status_code=status.HTTP_503_SERVICE_UNAVAILABLE, detail="Queue unavailable")

    return ExecuteResponse(job_id=job.id, status=job.status)


@router.get("/jobs", response_model=JobList)
def list_jobs(
    status_filter: JobStatus | None = Query(default=None, alias="status"),
    limit: int = Query(default=50, ge=1),
    offset: int = Query(default=0, ge=0),
    principal: Principal = Depends(rate_limited_api_key),
    db: Session = Depends(get_db),
) -> JobList:
    query = select(TrainingJob).where(TrainingJob.owner == principal.owner)
    count_query = select(func.count()).select_from(TrainingJob).where(TrainingJob.owner == principal.owner)
    if status_filter is not None:
        query = query.where(TrainingJob.status == status_filter)
        count_query = count_query.where(TrainingJob.status == status_filter)

    jobs = db.execute(query.order_by(TrainingJob.created_at.desc()).limit(limit).offset(offset)).scalars().all()
    total = db.execute(count_query).scalar_one()
    return JobList(items=[_to_out(j) for j in jobs], total=total)


@router.get("/{job_id}", response_model=JobOut)
def get_job(
    job_id: str,
    principal: Principal = Depends(rate_limited_api_key),
    db: Session = Depends(get_db),
) -> JobOut:
    return _to_out(_owned_job(db, _parse_job_id(job_id), principal))


@router.get("/{job_id}/logs")
def get_job_logs(
    job_id: str,
    tail: int = Query(default=200, ge=1, le=MAX_LOG_LINES),
    principal: Principal = Depends(rate_limited_api_key),
    db: Session = Depends(get_db),
) -> dict:
    job = _owned_job(db, _parse_job_id(job_id), principal)
    log_path = settings.logs_dir / f"job_{job.id}.log"
    if not log_path.is_file():
        return {"job_id": job.id, "lines": []}
    with open(log_path, "r", encoding="utf-8", errors="replace") as fh:
        lines = deque(fh, maxlen=tail)
    return {"job_id": job.id, "lines": [line.rstrip("\n") for line in lines]}


@router.post("/cancel/{job_id}", response_model=ControlResponse)
async def cancel_job(
    job_id: str,
    principal: Principal = Depends(rate_limited_api_key),
    db: Session = Depends(get_db),
) -> ControlResponse:
    job = _load_job(db, _parse_job_id(job_id))
    if job.status in TERMINAL_STATUSES:
        return ControlResponse(job_id=job.id, action="cancel", accepted=False)

    if job.status == JobStatus.queued:
        # Never picked up by a worker; the worker skips jobs that are no longer queued.
        job.status = JobStatus.cancelled
        job.finished_at = datetime.now(timezone.utc)
    else:
        job.status = JobStatus.cancelling
        await _publish_control(job.id, "cancel")
    db.commit()
    logger.info("cancel requested job=%s by owner=%s", job.id, principal.owner)
    return ControlResponse(job_id=job.id, action="cancel", accepted=True)


@router.post("/pause/{job_id}", response_model=ControlResponse)
async def pause_job(
    job_id: str,
    principal: Principal = Depends(rate_limited_api_key),
    db: Session = Depends(get_db),
) -> ControlResponse:
    job = _load_job(db, _parse_job_id(job_id))
    if job.status != JobStatus.running:
        raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail=f"Job is {job.status.value}")
    await _publish_control(job.id, "pause")
    return ControlResponse(job_id=job.id, action="pause", accepted=True)


@router.post("/resume/{job_id}", response_model=ControlResponse)
async def resume_job(
    job_id: str,
    principal: Principal = Depends(rate_limited_api_key),
    db: Session = Depends(get_db),
) -> ControlResponse:
    job = _load_job(db, _parse_job_id(job_id))
    if job.status != JobStatus.paused:
        raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail=f"Job is {job.status.value}")
    await _publish_control(job.id, "resume")
    return ControlResponse(job_id=job.id, action="resume", accepted=True)


@router.post("/{job_id}/force-start", response_model=ControlResponse)
async def force_start_job(
    job_id: str,
    principal: Principal = Depends(rate_limited_api_key),
    db: Session = Depends(get_db),
) -> ControlResponse:
    """Start a queued job immediately, ignoring the worker's concurrency limit."""
    job = _load_job(db, _parse_job_id(job_id))
    if job.status != JobStatus.queued:
        raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail=f"Job is {job.status.value}")

    await get_redis().lpush(settings.queue_name + ":priority", job.id)
    job.status = JobStatus.starting
    db.commit()
    return ControlResponse(job_id=job.id, action="force-start", accepted=True)
