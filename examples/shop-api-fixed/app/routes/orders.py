import asyncio
import logging
import subprocess
import time
from pathlib import Path

import httpx
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from app.auth import get_current_user
from app.config import settings
from app.db import find_orders
from app.limits import limiter

logger = logging.getLogger(__name__)
router = APIRouter(dependencies=[Depends(get_current_user)])
JOB_RETENTION_S = 3600
jobs: dict[str, dict[str, object]] = {}


class Refund(BaseModel):
    reason: str = Field(max_length=500)
    amount_cents: int = Field(gt=0)


@router.get("/orders")
def list_orders(customer: str):
    return find_orders(customer)


@router.post("/orders/{order_id}/refund")
@limiter.limit("10/minute")
async def refund(request: Request, order_id: str, body: Refund):
    async with httpx.AsyncClient(timeout=settings.HTTP_TIMEOUT_S) as client:
        reply = await client.post(
            "https://payments.internal/refunds", json={"order": order_id, **body.model_dump()}
        )
    await asyncio.sleep(0)
    return reply.json()


def _prune_jobs() -> None:
    cutoff = time.monotonic() - JOB_RETENTION_S
    for job_id in [j for j, info in jobs.items() if float(str(info["started"])) < cutoff]:
        del jobs[job_id]


@router.post("/exports")
@limiter.limit("2/minute")
def start_export(request: Request):
    _prune_jobs()
    job_id = str(len(jobs) + 1)
    completed = subprocess.run(
        ["python", "-m", "app.export", job_id], check=False, timeout=300, capture_output=True
    )
    jobs[job_id] = {"status": completed.returncode, "started": time.monotonic()}
    return {"job": job_id}


@router.get("/exports/{name}")
def download_export(name: str):
    base = Path(settings.UPLOAD_DIR).resolve()
    target = (base / name).resolve()
    if not target.is_relative_to(base):
        raise HTTPException(status_code=404)
    return FileResponse(target)
