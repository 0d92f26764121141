"""Scheduled and on-demand refresh of FRED series into Postgres."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, Optional

from sqlalchemy.exc import SQLAlchemyError

from app.api.data import CURRENT_CACHE_KEY
from app.config import get_settings
from app.extensions import db
from app.models import Observation, RefreshLog, Series
from app.services import cache
from app.services.fred_service import FREDError, FREDNotFound, FREDService
from app.tasks.celery_app import celery

logger = logging.getLogger(__name__)

# FRED revises recent observations; re-pull a trailing window on every refresh.
REVISION_WINDOW = timedelta(days=400)
DEFAULT_HISTORY_START = date(1990, 1, 1)
LOG_RETENTION_DAYS = 30


def _parse_value(raw: str) -> Optional[Decimal]:
    # FRED uses "." for missing values.
    if raw in (".", "", None):
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"unparseable observation value {raw!r}")


def _parse_fred_timestamp(raw: Optional[str]) -> Optional[datetime]:
    if not raw:
        return None
    # e.g. "2025-09-26 07:52:02-05"
    return datetime.strptime(raw + "00", "%Y-%m-%d %H:%M:%S%z")


def _upsert_series(info: Dict[str, Any]) -> Series:
    series = Series.query.filter_by(series_id=info["id"]).first()
    if series is None:
        series = Series(series_id=info["id"])
        db.session.add(series)
    series.title = info.get("title", info["id"])
    series.units = info.get("units")
    series.frequency = info.get("frequency")
    series.seasonal_adjustment = info.get("seasonal_adjustment")
    series.observation_start = date.fromisoformat(info["observation_start"])
    series.observation_end = date.fromisoformat(info["observation_end"])
    series.last_updated = _parse_fred_timestamp(info.get("last_updated"))
    series.popularity = info.get("popularity")
    series.notes = info.get("notes")
    db.session.flush()
    return series


def _upsert_observation(series: Series, obs: Dict[str, Any]) -> None:
    obs_date = date.fromisoformat(obs["date"])
    value = _parse_value(obs.get("value"))
    existing = Observation.query.filter_by(series_pk=series.id, date=obs_date).first()
    if existing is None:
        db.session.add(
            Observation(
                series_pk=series.id,
                date=obs_date,
                value=value,
                realtime_start=date.fromisoformat(obs["realtime_start"]),
            )
        )
    elif existing.value != value:
        existing.value = value
        existing.realtime_start = date.fromisoformat(obs["realtime_start"])


def run_refresh(series_id: str) -> int:
    """Pull metadata and recent observations for one series. Returns rows written."""
    log = RefreshLog(series_id=series_id, status="running")
    db.session.add(log)
    db.session.commit()

    fred = FREDService()
    try:
        info = fred.get_series_info(series_id)
        series = _upsert_series(info)

        if series.refreshed_at is None:
            start = DEFAULT_HISTORY_START
        else:
            start = (series.observation_end or date.today()) - REVISION_WINDOW
        observations = fred.get_observations(series_id, start=start)

        rows = 0
        for obs in observations:
            try:
                _upsert_observation(series, obs)
                rows += 1
            except (ValueError, KeyError, SQLAlchemyError) as exc:
                logger.warning("Skipping %s observation %s: %s", series_id, obs.get("date"), exc)

        series.refreshed_at = datetime.now(timezone.utc)
        log.status = "ok"
        log.rows = rows
        log.finished_at = datetime.now(timezone.utc)
        db.session.commit()
    except Exception as e:
        db.session.rollback()
        log.status = "failed"
        log.error = str(e)[:2000]
        log.finished_at = datetime.now(timezone.utc)
        db.session.commit()
        logger.error(f"Refresh failed: {e}")
        raise
    finally:
        fred.close()

    cache.delete(CURRENT_CACHE_KEY)
    logger.info("Refreshed %s: %d observations since %s", series_id, rows, start.isoformat())
    return rows


@celery.task(
    bind=True,
    name="app.tasks.refresh.refresh_series",
    autoretry_for=(FREDError,),
    dont_autoretry_for=(FREDNotFound,),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=5,
)
def refresh_series(self, series_id: str) -> int:
    return run_refresh(series_id)


@celery.task(name="app.tasks.refresh.refresh_all_series")
def refresh_all_series() -> int:
    settings = get_settings()
    for index, series_id in enumerate(settings.TRACKED_SERIES):
        # Stagger so a full refresh does not burst the FRED quota.
        refresh_series.apply_async(args=[series_id], countdown=index * 2)
    logger.info("Scheduled refresh for %d series", len(settings.TRACKED_SERIES))
    return len(settings.TRACKED_SERIES)


@celery.task(name="app.tasks.refresh.prune_refresh_logs")
def prune_refresh_logs() -> int:
    cutoff = datetime.now(timezone.utc) - timedelta(days=LOG_RETENTION_DAYS)
    try:
        deleted = RefreshLog.query.filter(RefreshLog.started_at < cutoff).delete(synchronize_session=False)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        logger.exception("Pruning refresh logs older than %s failed", cutoff.isoformat())
        raise
    logger.info("Pruned %d refresh log rows older than %s", deleted, cutoff.isoformat())
    return deleted
