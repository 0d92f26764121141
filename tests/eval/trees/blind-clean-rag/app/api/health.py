"""Liveness, readiness and metrics endpoints."""
from __future__ import annotations

import asyncio
import hmac
import logging

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.config import Settings, get_settings

logger = logging.getLogger(__name__)

router = APIRouter(tags=["ops"])

CHECK_TIMEOUT_S = 2.0


@router.get("/health", include_in_schema=False)
async def liveness() -> dict[str, str]:
    """Process is up and the event loop answers. Deliberately touches no dependency."""
    return {"status": "ok"}


@router.get("/ready", include_in_schema=False)
async def readiness(request: Request) -> JSONResponse:
    stores = request.app.state.stores
    checks: dict[str, str] = {}
    for name, probe in (("postgres", stores.ping_db), ("redis", stores.ping_redis)):
        try:
            await asyncio.wait_for(probe(), timeout=CHECK_TIMEOUT_S)
            checks[name] = "ok"
        except Exception:
            # Any failure means "not ready"; details go to the log, not to the caller.
            logger.warning("readiness probe failed", exc_info=True, extra={"check": name})
            checks[name] = "fail"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(status_code=200 if ready else 503,
                        content={"status": "ready" if ready else "not_ready", "checks": checks})


def _require_metrics_token(
    authorization: str | None = Header(default=None),
    settings: Settings = Depends(get_settings),
) -> None:
    expected = settings.METRICS_TOKEN
    if expected is None:
        raise HTTPException(status_code=404)
    supplied = (authorization or "").removeprefix("Bearer ").encode()
    if not hmac.compare_digest(supplied, expected.get_secret_value().encode()):
        raise HTTPException(status_code=401, detail="Not authenticated")


@router.get("/metrics", include_in_schema=False, dependencies=[Depends(_require_metrics_token)])
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
