from __future__ import annotations

import logging
import os
import uuid
from datetime import datetime, timezone

from flask import Blueprint, Response, current_app, g, jsonify, request

from app.auth import require_api_key
from app.errors import NotFound, ValidationError
from app.metrics import JOBS_SUBMITTED
from app.models import JobStatus
from app.paths import relative_to_owner, resolve_user_path
from app.ratelimit import rate_limit
from app.services import jobs as job_service
from app.validation import bounded_int, validate_idempotency_key, validate_training_request

log = logging.getLogger(__name__)

bp = Blueprint("training", __name__, url_prefix="/api/training")


def _settings():
    return current_app.config["SETTINGS"]


def _session():
    return current_app.extensions["db_session"]()


def _owner_uuid() -> uuid.UUID:
    return uuid.UUID(g.principal.owner_id)


def _check_dataset(spec) -> str:
    settings = _settings()
    dataset = resolve_user_path(settings.data_root, g.principal.owner_id, spec.dataset_path)
    if not dataset.is_file():
        raise ValidationError("dataset_path must point to a file")
    return relative_to_owner(settings.data_root, g.principal.owner_id, dataset)


@bp.post("/validate")
@require_api_key("training")
@rate_limit("training_general", "rate_limit_training_general")
def validate():
    spec = validate_training_request(request.get_json(silent=True))
    dataset = _check_dataset(spec)
    return jsonify({
        "valid": True,
        "normalized": {
            "base_model": spec.base_model,
            "dataset_path": dataset,
            "hyperparameters": spec.hyperparameters,
        },
    })


@bp.post("/execute")
@require_api_key("training")
@rate_limit("training_execute", "rate_limit_training_execute")
def execute():
    spec = validate_training_request(request.get_json(silent=True))
    idempotency_key = validate_idempotency_key(request.headers.get("Idempotency-Key"))
    dataset = _check_dataset(spec)
    spec = type(spec)(base_model=spec.base_model, dataset_path=dataset, hyperparameters=spec.hyperparameters)

    session = _session()
    job, created = job_service.create_job(
        session,
        owner_id=_owner_uuid(),
        spec=spec,
        idempotency_key=idempotency_key,
        max_active=_settings().max_active_jobs_per_owner,
    )
    session.commit()

    if created:
        JOBS_SUBMITTED.inc()
        job_service.notify_worker(current_app.extensions["redis"], job.id)
        log.info("training job queued", extra={"job_id": str(job.id), "base_model": job.base_model})
    return jsonify(job.to_public()), (201 if created else 200)


@bp.get("/jobs")
@require_api_key("training")
def list_jobs():
    limit = bounded_int(request.args.get("limit"), name="limit", default=20, minimum=1, maximum=100)
    before = None
    if request.args.get("before"):
        try:
            before = datetime.fromisoformat(request.args["before"])
        except ValueError as exc:
            raise ValidationError("before must be an ISO-8601 timestamp") from exc
        if before.tzinfo is None:
            before = before.replace(tzinfo=timezone.utc)
    status = None
    if request.args.get("status"):
        try:
            status = JobStatus(request.args["status"])
        except ValueError as exc:
            raise ValidationError("unknown status") from exc

    jobs = job_service.list_owned_jobs(_session(), _owner_uuid(), limit=limit, before=before, status=status)
    next_before = jobs[-1].created_at.isoformat() if len(jobs) == limit else None
    return jsonify({"jobs": [j.to_public() for j in jobs], "next_before": next_before})


@bp.get("/<uuid:job_id>")
@require_api_key("training")
def get_job(job_id: uuid.UUID):
    job = job_service.get_owned_job(_session(), job_id, _owner_uuid())
    return jsonify(job.to_public())


@bp.get("/<uuid:job_id>/logs")
@require_api_key("training")
@rate_limit("training_general", "rate_limit_training_general")
def job_logs(job_id: uuid.UUID):
    settings = _settings()
    tail = bounded_int(request.args.get("tail_bytes"), name="tail_bytes", default=64 * 1024,
                       minimum=1, maximum=settings.log_tail_max_bytes)
    # Ownership check first; the log path is derived from the UUID, never from input.
    job_service.get_owned_job(_session(), job_id, _owner_uuid())
    log_path = settings.logs_dir / f"job_{job_id}.log"
    try:
        with open(log_path, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - tail))
            data = fh.read(tail)
    except FileNotFoundError:
        raise NotFound("no logs for this job yet (or they have expired)")
    return Response(data.decode("utf-8", errors="replace"), mimetype="text/plain",
                    headers={"X-Log-Size": str(size)})


@bp.post("/cancel/<uuid:job_id>")
@require_api_key("training")
@rate_limit("training_general", "rate_limit_training_general")
def cancel(job_id: uuid.UUID):
    session = _session()
    job = job_service.cancel_job(session, job_id, _owner_uuid())
    session.commit()
    log.info("cancel requested", extra={"job_id": str(job_id), "status": job.status.value})
    return jsonify(job.to_public()), 202


@bp.post("/pause/<uuid:job_id>")
@require_api_key("training")
@rate_limit("training_general", "rate_limit_training_general")
def pause(job_id: uuid.UUID):
    session = _session()
    job = job_service.pause_job(session, job_id, _owner_uuid())
    session.commit()
    log.info("pause requested", extra={"job_id": str(job_id), "status": job.status.value})
    return jsonify(job.to_public()), 202


@bp.post("/resume/<uuid:job_id>")
@require_api_key("training")
@rate_limit("training_general", "rate_limit_training_general")
def resume(job_id: uuid.UUID):
    session = _session()
    job = job_service.resume_job(session, job_id, _owner_uuid())
    session.commit()
    job_service.notify_worker(current_app.extensions["redis"], job.id)
    log.info("job resumed", extra={"job_id": str(job_id)})
    return jsonify(job.to_public()), 202


@bp.post("/<uuid:job_id>/force-start")
@require_api_key("admin")
@rate_limit("training_general", "rate_limit_training_general")
def force_start(job_id: uuid.UUID):
    session = _session()
    job = job_service.force_start(session, job_id, _owner_uuid())
    session.commit()
    job_service.notify_worker(current_app.extensions["redis"], job.id)
    log.info("job force-started", extra={"job_id": str(job_id), "key_id": g.principal.key_id})
    return jsonify(job.to_public()), 202
