"""Periodic refresh of the headline series into Postgres."""
import asyncio
from datetime import date, datetime, timedelta, timezone
from typing import Dict, Optional

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from app.core.config import settings
from app.core.database import session_factory
from app.models import Observation
from app.services.fred_service import FREDService

DEFAULT_SERIES = ["GDP", "UNRATE", "CPIAUCSL", "FEDFUNDS", "DGS10", "T10Y2Y", "PAYEMS", "M2SL"]

_state: Dict[str, Optional[object]] = {"running": False, "last_run": None}


async def _last_fetch_time() -> Optional[datetime]:
    async with session_factory()() as session:
        result = await session.execute(select(func.max(Observation.fetched_at)))
        return result.scalar_one_or_none()


async def refresh_default_series(force: bool = False) -> int:
    if _state["running"]:
        print("refresh already in progress, skipping")
        return 0

    last = await _last_fetch_time()
    interval = timedelta(seconds=settings.REFRESH_INTERVAL_SECONDS)
    if not force and last is not None and datetime.now(timezone.utc) - last < interval:
        return 0

    _state["running"] = True
    stored = 0
    fred = FREDService()
    try:
        async with session_factory()() as session:
            for series_id in DEFAULT_SERIES:
                rows = await fred.get_observations(series_id, limit=500)
                values = [
                    {"series_id": series_id, "obs_date": date.fromisoformat(row["date"]), "value": row["value"]}
                    for row in rows
                ]
                if not values:
                    continue
                stmt = insert(Observation).values(values)
                stmt = stmt.on_conflict_do_update(
                    index_elements=["series_id", "obs_date"],
                    set_={"value": stmt.excluded.value, "fetched_at": func.now()},
                )
                await session.execute(stmt)
                stored += len(values)
                print(f"refreshed {series_id}: {len(values)} observations")
            await session.commit()
    finally:
        await fred.close()
        _state["running"] = False
        _state["last_run"] = datetime.now(timezone.utc)
    return stored


async def refresh_loop() -> None:
    while True:
        try:
            await refresh_default_series()
        except asyncio.CancelledError:
            raise
        except Exception:
            pass
        await asyncio.sleep(settings.REFRESH_INTERVAL_SECONDS)
