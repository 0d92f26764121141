"""Operator endpoints (scope `admin`)."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter

from app.api.deps import AdminDep, CacheDep, DataDep, SettingsDep
from app.schemas import RefreshRequest, RefreshResult
from app.services.fred_service import FredError

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/admin", tags=["admin"])


@router.post("/refresh", response_model=RefreshResult)
async def refresh_series(
    body: RefreshRequest, principal: AdminDep, data: DataDep, cache: CacheDep, settings: SettingsDep
) -> RefreshResult:
    # At most 10 ids (RefreshRequest), fetched concurrently under one deadline each,
    # so the request is bounded by FRED_INTERACTIVE_DEADLINE; the shared outbound
    # limiter still paces the actual FRED calls.
    results = await asyncio.gather(
        *(data.ingest(s, deadline=settings.FRED_INTERACTIVE_DEADLINE) for s in body.series_ids),
        return_exceptions=True,
    )
    refreshed: list[str] = []
    failed: dict[str, str] = {}
    for series_id, result in zip(body.series_ids, results, strict=True):
        if isinstance(result, FredError):
            failed[series_id] = type(result).__name__
            logger.warning(
                "manual refresh failed",
                extra={"series_id": series_id, "client_id": principal.client_id, "error": repr(result)},
            )
            continue
        if isinstance(result, BaseException):
            raise result
        await cache.invalidate(series_id)
        refreshed.append(series_id)
    logger.info(
        "manual refresh",
        extra={"client_id": principal.client_id, "refreshed": refreshed, "failed": sorted(failed)},
    )
    return RefreshResult(refreshed=refreshed, failed=failed)
