"""Writes job state changes to Postgres, buffering writes that fail."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from app.db import SessionLocal
from app.models import Dataset, TrainingJob

logger = logging.getLogger(__name__)

# job_id -> (first_failure_ts, merged pending fields)
_failed_persists: dict[str, tuple[float, dict[str, Any]]] = {}


def _write(job_id: str, fields: dict[str, Any]) -> None:
    session = SessionLocal()
    job = session.get(TrainingJob, job_id)
    if job is None:
        raise LookupError(f"job {job_id} not found")
    for key, value in fields.items():
        setattr(job, key, value)
    session.commit()
    session.close()


def load_job(job_id: str) -> TrainingJob | None:
    with SessionLocal() as session:
        return session.get(TrainingJob, job_id)


async def persist_job_update(job_id: str, **fields: Any) -> bool:
    """Persist ``fields`` on the job row. Returns False if the write was deferred."""
    try:
        await asyncio.to_thread(_write, job_id, fields)
        return True
    except LookupError:
        logger.error("cannot persist update for unknown job=%s fields=%s", job_id, list(fields))
        return False
    except Exception:
        logger.exception("persist failed for job=%s; queued for retry", job_id)
        first_ts, pending = _failed_persists.get(job_id, (time.time(), {}))
        pending.update(fields)
        _failed_persists[job_id] = (first_ts, pending)
        return False


def pending_count() -> int:
    return len(_failed_persists)


async def retry_failed_persists_worker(interval_s: int) -> None:
    while True:
        try:
            await asyncio.sleep(interval_s)
            if not _failed_persists:
                continue
            logger.info("retrying %d failed job persists", len(_failed_persists))
            for job_id in list(_failed_persists):
                _first_ts, fields = _failed_persists[job_id]
                await asyncio.to_thread(_write, job_id, fields)
                _failed_persists.pop(job_id, None)
        except asyncio.CancelledError:
            raise
        except Exception:
            await asyncio.sleep(60)


def load_dataset(dataset_id: str) -> Dataset | None:
    with SessionLocal() as session:
        return session.get(Dataset, dataset_id)


def set_dataset_local_path(dataset_id: str, local_path: str, num_rows: int) -> None:
    with SessionLocal.begin() as session:
        dataset = session.get(Dataset, dataset_id)
        if dataset is not None:
            dataset.local_path = local_path
            dataset.num_rows = num_rows
