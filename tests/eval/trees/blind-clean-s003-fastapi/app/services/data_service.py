"""Read and ingest paths for series data (Postgres is the source of truth)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import TypeVar

from sqlalchemy import func, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.models import Observation, Series
from app.schemas import CurrentValue, CurrentValues, ObservationOut, ObservationQuery, SeriesOut, SeriesPage
from app.services.fred_service import FredClient, FredUnavailable, ObservationRow, SeriesInfo

logger = logging.getLogger(__name__)

T = TypeVar("T")

UPSERT_BATCH = 2000  # 3 bind params per row, well under asyncpg's 32767 limit
REVISION_WINDOW = dt.timedelta(days=400)  # FRED revises recent history; re-pull this much


def _batched(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class SingleFlight:
    """Coalesces concurrent identical fetches into one task.

    The task is owned here rather than by the first caller, so a caller that
    gives up (deadline, disconnect) does not cancel the work for the others.
    Entries are removed as soon as the task finishes, so the map only ever
    holds fetches that are in progress.
    """

    def __init__(self) -> None:
        self._inflight: dict[str, asyncio.Task[object]] = {}

    def __len__(self) -> int:
        return len(self._inflight)

    async def do(self, key: str, fn: Callable[[], Awaitable[T]]) -> T:
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.create_task(fn(), name=f"singleflight:{key}")  # type: ignore[arg-type]
            self._inflight[key] = task
            task.add_done_callback(self._finished)
        return await asyncio.shield(task)  # type: ignore[return-value,arg-type]

    def _finished(self, task: asyncio.Task[object]) -> None:
        key = task.get_name().removeprefix("singleflight:")
        if self._inflight.get(key) is task:
            del self._inflight[key]
        # Mark the exception retrieved: every waiter has already seen it, or
        # gave up; callers log the failures they see.
        if not task.cancelled():
            task.exception()

    async def drain(self, grace: float) -> None:
        pending = list(self._inflight.values())
        if not pending:
            return
        _, still_pending = await asyncio.wait(pending, timeout=grace)
        for task in still_pending:
            task.cancel()
        if still_pending:
            await asyncio.gather(*still_pending, return_exceptions=True)


async def upsert_series(
    session: AsyncSession, info: SeriesInfo, rows: list[ObservationRow]
) -> int:
    """Insert or update one series and its observations. Caller owns the transaction."""
    series_stmt = pg_insert(Series).values(
        id=info.id,
        title=info.title,
        units=info.units,
        frequency=info.frequency,
        seasonal_adjustment=info.seasonal_adjustment,
        source_last_updated=info.last_updated,
        fetched_at=func.now(),
    )
    await session.execute(
        series_stmt.on_conflict_do_update(
            index_elements=[Series.id],
            set_={
                "title": series_stmt.excluded.title,
                "units": series_stmt.excluded.units,
                "frequency": series_stmt.excluded.frequency,
                "seasonal_adjustment": series_stmt.excluded.seasonal_adjustment,
                "source_last_updated": series_stmt.excluded.source_last_updated,
                "fetched_at": func.now(),
            },
        )
    )

    written = 0
    for batch in _batched(rows, UPSERT_BATCH):
        stmt = pg_insert(Observation).values(
            [{"series_id": info.id, "date": r.date, "value": r.value} for r in batch]
        )
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[Observation.series_id, Observation.date],
                set_={"value": stmt.excluded.value},
                where=Observation.value.is_distinct_from(stmt.excluded.value),
            )
        )
        written += len(batch)
    return written


class DataService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        fred: FredClient,
        tracked_series: list[str],
    ) -> None:
        self._sessions = sessions
        self._fred = fred
        self._tracked = tracked_series
        self._flights = SingleFlight()

    @property
    def flights(self) -> SingleFlight:
        return self._flights

    async def current_values(self, session: AsyncSession) -> CurrentValues:
        latest = (
            select(Observation.date, Observation.value)
            .where(Observation.series_id == Series.id, Observation.value.is_not(None))
            .order_by(Observation.date.desc())
            .limit(1)
            .correlate(Series)
            .lateral("latest")
        )
        stmt = (
            select(Series.id, Series.title, Series.units, latest.c.date, latest.c.value)
            .join(latest, true())
            .where(Series.id.in_(self._tracked))
            .order_by(Series.id)
        )
        result = await session.execute(stmt)
        values = [
            CurrentValue(series_id=r.id, title=r.title, units=r.units, date=r.date, value=r.value)
            for r in result
        ]
        return CurrentValues(values=values, as_of=dt.datetime.now(dt.UTC))

    async def list_series(self, session: AsyncSession, limit: int, offset: int) -> list[SeriesOut]:
        rows = await session.scalars(select(Series).order_by(Series.id).limit(limit).offset(offset))
        return [SeriesOut.model_validate(r) for r in rows]

    async def series_page(
        self, session: AsyncSession, series_id: str, q: ObservationQuery
    ) -> SeriesPage | None:
        series = await session.get(Series, series_id)
        if series is None:
            return None

        stmt = select(Observation.date, Observation.value).where(Observation.series_id == series_id)
        if q.start is not None:
            stmt = stmt.where(Observation.date >= q.start)
        if q.end is not None:
            stmt = stmt.where(Observation.date <= q.end)
        if q.after is not None:
            stmt = stmt.where(Observation.date > q.after)
        stmt = stmt.order_by(Observation.date.asc()).limit(q.limit + 1)

        rows = (await session.execute(stmt)).all()
        has_more = len(rows) > q.limit
        rows = rows[: q.limit]
        return SeriesPage(
            series=SeriesOut.model_validate(series),
            observations=[ObservationOut(date=r.date, value=r.value) for r in rows],
            next_cursor=rows[-1].date if has_more and rows else None,
        )

    async def ingest(self, series_id: str, *, deadline: float | None = None) -> int:
        """Fetch a series from FRED and store it. Concurrent calls for one id share a fetch.

        `deadline` bounds this caller's wait even when it joined a fetch started
        by someone with a longer budget (e.g. the refresh worker).
        """
        try:
            async with asyncio.timeout(deadline):
                return await self._flights.do(series_id, lambda: self._ingest(series_id, deadline))
        except TimeoutError as exc:
            raise FredUnavailable(f"fetch of {series_id} did not finish within {deadline}s") from exc

    async def _ingest(self, series_id: str, deadline: float | None) -> int:
        async with self._sessions() as session:
            latest = await session.scalar(
                select(func.max(Observation.date)).where(Observation.series_id == series_id)
            )
        start = latest - REVISION_WINDOW if latest is not None else None

        info = await self._fred.get_series_info(series_id, deadline=deadline)
        rows = await self._fred.get_observations(series_id, start=start, deadline=deadline)

        async with self._sessions() as session, session.begin():
            written = await upsert_series(session, info, rows)
        logger.info(
            "series ingested",
            extra={
                "series_id": series_id,
                "rows": written,
                "incremental": start is not None,
            },
        )
        return written
