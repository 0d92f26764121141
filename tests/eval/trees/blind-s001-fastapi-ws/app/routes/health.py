"""Liveness and readiness probes."""
from __future__ import annotations

import logging

from fastapi import APIRouter, Request

from app import __version__

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def liveness() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
async def readiness(request: Request) -> dict:
    state = request.app.state
    checks: dict[str, str] = {}
    try:
        await state.mongo.ping()
        checks["mongo"] = "ok"
    except Exception as exc:
        logger.warning("readiness: mongo ping failed", extra={"error": repr(exc)})
        checks["mongo"] = "unavailable"
    overall = "ok" if all(v == "ok" for v in checks.values()) else "degraded"
    return {"status": overall, "checks": checks, "version": __version__}
