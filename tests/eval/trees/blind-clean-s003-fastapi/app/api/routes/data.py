"""Public data endpoints (API-key authenticated, rate limited)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import CacheDep, DataDep, ReaderDep, SessionDep, SettingsDep
from app.schemas import (
    SERIES_ID_PATTERN,
    CurrentValues,
    ObservationQuery,
    SeriesOut,
    SeriesPage,
)
from app.services.cache import ResponseCache
from app.services.data_service import DataService
from app.services.fred_service import FredError, FredNotFound, FredRateLimited, FredUnavailable

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/data", tags=["data"])

SeriesId = Annotated[
    str,
    Path(min_length=1, max_length=64, pattern=f"^{SERIES_ID_PATTERN.pattern}$", description="FRED series id"),
]

def _json(content: str, sub_response: Response) -> Response:
    # FastAPI only merges headers set by dependencies (rate-limit headers) into
    # responses it builds itself, so copy them onto this one.
    return Response(content=content, media_type="application/json", headers=dict(sub_response.headers))


@router.get("/current", response_model=CurrentValues)
async def current_values(
    _principal: ReaderDep, response: Response, session: SessionDep, data: DataDep, cache: CacheDep
) -> Response:
    cached = await cache.get_current()
    if cached is not None:
        return _json(cached, response)
    body = await data.current_values(session)
    await cache.set_current(body)
    return _json(body.model_dump_json(), response)


@router.get("/series", response_model=list[SeriesOut])
async def list_series(
    _principal: ReaderDep,
    session: SessionDep,
    data: DataDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> list[SeriesOut]:
    return await data.list_series(session, limit=limit, offset=offset)


@router.get("/series/{series_id}", response_model=SeriesPage)
async def series_observations(
    series_id: SeriesId,
    q: Annotated[ObservationQuery, Query()],
    _principal: ReaderDep,
    response: Response,
    session: SessionDep,
    data: DataDep,
    cache: CacheDep,
    settings: SettingsDep,
) -> Response:
    params = q.model_dump(mode="json")
    cached = await cache.get_page(series_id, params)
    if cached is not None:
        return _json(cached, response)

    page = await data.series_page(session, series_id, q)
    if page is None:
        page = await _fetch_on_demand(series_id, q, session, data, cache, settings.FRED_INTERACTIVE_DEADLINE)

    await cache.set_page(series_id, params, page)
    return _json(page.model_dump_json(), response)


async def _fetch_on_demand(
    series_id: str,
    q: ObservationQuery,
    session: AsyncSession,
    data: DataService,
    cache: ResponseCache,
    deadline: float,
) -> SeriesPage:
    not_found = HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail=f"series {series_id} not found")
    if await cache.is_known_missing(series_id):
        raise not_found
    # End the read transaction so this request does not hold a pooled
    # connection while it waits on FRED; series_page below starts a new one.
    await session.rollback()
    try:
        await data.ingest(series_id, deadline=deadline)
    except FredNotFound:
        await cache.mark_missing(series_id)
        raise not_found from None
    except FredRateLimited:
        raise HTTPException(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            detail="upstream data provider is rate limiting; retry shortly",
            headers={"Retry-After": "30"},
        ) from None
    except FredUnavailable as exc:
        logger.warning("on-demand fetch failed", extra={"series_id": series_id, "error": repr(exc)})
        raise HTTPException(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            detail="upstream data provider unavailable",
            headers={"Retry-After": "60"},
        ) from None
    except FredError as exc:
        logger.error("on-demand fetch rejected by FRED", extra={"series_id": series_id, "error": repr(exc)})
        raise HTTPException(status_code=status.HTTP_502_BAD_GATEWAY, detail="upstream error") from None

    page = await data.series_page(session, series_id, q)
    if page is None:
        logger.error("series missing right after ingest", extra={"series_id": series_id})
        raise HTTPException(status_code=status.HTTP_500_INTERNAL_SERVER_ERROR, detail="internal error")
    return page
