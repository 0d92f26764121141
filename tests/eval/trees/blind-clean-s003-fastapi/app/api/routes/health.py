"""Liveness, readiness and metrics endpoints.

Liveness answers from the event loop only (restarting the process will not fix
a database outage). Readiness checks Postgres and Redis with short timeouts and
returns 503 if either fails. FRED is deliberately not part of readiness: while
it is down we still serve stored data, so pulling replicas out of rotation
would turn a partial outage into a full one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from app import __version__
from app.core.database import get_engine, get_redis
from app.core.security import verify_metrics_token

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])

CHECK_TIMEOUT = 2.0
# Readiness is unauthenticated; cache the result briefly so it cannot be used
# to hammer the database.
_RESULT_TTL = 2.0
_last_result: tuple[float, int, dict[str, str]] | None = None
_result_lock = asyncio.Lock()


async def _check_postgres() -> None:
    async with get_engine().connect() as conn:
        await conn.execute(text("SELECT 1"))


async def _check_redis() -> None:
    await get_redis().ping()


async def _run_check(name: str, check) -> tuple[str, str]:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await check()
    except Exception as exc:
        logger.warning("readiness check failed", extra={"check": name, "error": repr(exc)})
        return name, "fail"
    return name, "ok"


async def _readiness() -> tuple[int, dict[str, str]]:
    global _last_result
    async with _result_lock:
        now = time.monotonic()
        if _last_result is not None and now - _last_result[0] < _RESULT_TTL:
            return _last_result[1], _last_result[2]
        results = await asyncio.gather(
            _run_check("postgres", _check_postgres), _run_check("redis", _check_redis)
        )
        checks = dict(results)
        healthy = all(v == "ok" for v in checks.values())
        code = status.HTTP_200_OK if healthy else status.HTTP_503_SERVICE_UNAVAILABLE
        _last_result = (now, code, checks)
        return code, checks


@router.get("/health/liveness", include_in_schema=False)
async def liveness() -> dict[str, str]:
    return {"status": "alive"}


@router.get("/health/readiness", include_in_schema=False)
async def readiness() -> JSONResponse:
    code, checks = await _readiness()
    body = {"status": "ready" if code == 200 else "not_ready", "checks": checks}
    return JSONResponse(body, status_code=code)


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    code, cached_checks = await _readiness()
    checks = dict(cached_checks)
    worker = getattr(request.app.state, "refresh_worker", None)
    if worker is not None:
        last = worker.last_success_monotonic
        checks["refresh_age_s"] = "never" if last is None else str(int(time.monotonic() - last))
    body = {
        "status": "healthy" if code == 200 else "unhealthy",
        "checks": checks,
        "version": __version__,
        "environment": request.app.state.settings.ENVIRONMENT,
    }
    return JSONResponse(body, status_code=code)


@router.get("/metrics", include_in_schema=False)
async def metrics_endpoint(_: Annotated[None, Depends(verify_metrics_token)]) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
