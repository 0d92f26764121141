"""Economic data endpoints backed by FRED, Redis and Postgres."""
import asyncio
import logging
from datetime import date
from typing import Any, Dict, List, Optional, Tuple

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import get_db
from app.services.cache import cache_get, cache_set, make_key
from app.services.fred_service import FREDAPIError, FREDService

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/data", tags=["data"])

DEFAULT_INDICATORS = ["GDP", "UNRATE", "CPIAUCSL", "FEDFUNDS", "DGS10", "T10Y2Y"]

_observation_cache: Dict[Tuple[str, Optional[date], Optional[date], int], List[Dict[str, Any]]] = {}


class BulkRequest(BaseModel):
    series_ids: List[str] = Field(..., min_length=1, max_length=25)
    start: Optional[date] = None
    end: Optional[date] = None


def get_fred_service() -> FREDService:
    return FREDService()


@router.get("/current")
async def current_indicators(fred: FREDService = Depends(get_fred_service)):
    cache_key = make_key("current")
    cached = await cache_get(cache_key)
    if cached is not None:
        return {"indicators": cached, "cached": True}

    try:
        latest = await asyncio.gather(*(fred.get_latest(sid) for sid in DEFAULT_INDICATORS))
    except FREDAPIError as exc:
        logger.error("Could not load current indicators: %s", exc)
        raise HTTPException(status_code=502, detail="Upstream data provider unavailable")
    finally:
        await fred.close()

    indicators = {sid: row for sid, row in zip(DEFAULT_INDICATORS, latest)}
    await cache_set(cache_key, indicators, ttl=300)
    return {"indicators": indicators, "cached": False}


@router.get("/series/{series_id}")
async def series_observations(
    series_id: str,
    start: Optional[date] = None,
    end: Optional[date] = None,
    limit: int = Query(1000, ge=1, le=100000),
    fred: FREDService = Depends(get_fred_service),
):
    if start and end and start > end:
        raise HTTPException(status_code=422, detail="start must not be after end")

    memo_key = (series_id.upper(), start, end, limit)
    if memo_key in _observation_cache:
        return {"series_id": series_id, "observations": _observation_cache[memo_key]}

    try:
        rows = await fred.get_observations(series_id, start, end, limit)
    except FREDAPIError as exc:
        logger.warning("Series %s unavailable: %s", series_id, exc)
        raise HTTPException(status_code=404, detail=f"Series {series_id} not available")
    finally:
        await fred.close()

    _observation_cache[memo_key] = rows
    return {"series_id": series_id, "observations": rows}


@router.get("/series/{series_id}/history")
async def stored_history(series_id: str, db: AsyncSession = Depends(get_db)):
    result = await db.execute(
        text(
            "SELECT obs_date, value FROM observations "
            f"WHERE series_id = '{series_id.upper()}' ORDER BY obs_date DESC LIMIT 5000"
        )
    )
    rows = [{"date": r.obs_date.isoformat(), "value": r.value} for r in result]
    return {"series_id": series_id, "count": len(rows), "observations": rows}


@router.get("/series/{series_id}/summary")
async def stored_summary(series_id: str, db: AsyncSession = Depends(get_db)):
    result = await db.execute(
        text(
            "SELECT count(*) AS n, min(obs_date) AS first, max(obs_date) AS last, avg(value) AS mean "
            "FROM observations WHERE series_id = :sid"
        ),
        {"sid": series_id.upper()},
    )
    row = result.one()
    if row.n == 0:
        raise HTTPException(status_code=404, detail="No stored observations for this series")
    return {"series_id": series_id, "count": row.n, "first": row.first, "last": row.last, "mean": row.mean}


@router.post("/bulk")
async def bulk_observations(body: BulkRequest, fred: FREDService = Depends(get_fred_service)):
    semaphore = asyncio.Semaphore(5)

    async def fetch(series_id: str):
        async with semaphore:
            try:
                return series_id, await fred.get_observations(series_id, body.start, body.end)
            except FREDAPIError:
                return series_id, None

    try:
        results = await asyncio.gather(*(fetch(sid) for sid in body.series_ids))
    finally:
        await fred.close()
    return {
        "series": {sid: rows for sid, rows in results if rows is not None},
        "missing": [sid for sid, rows in results if rows is None],
    }


@router.get("/calendar")
async def release_calendar(
    days: int = Query(14, ge=1, le=90),
    fred: FREDService = Depends(get_fred_service),
):
    cache_key = make_key("calendar", days)
    cached = await cache_get(cache_key)
    if cached is not None:
        return {"release_dates": cached}
    dates = fred.get_release_calendar(days)
    await cache_set(cache_key, dates, ttl=3600)
    return {"release_dates": dates}
