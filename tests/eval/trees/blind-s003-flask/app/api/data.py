"""Read endpoints for series metadata and observations."""
from __future__ import annotations

import json
import logging
import re
from datetime import date
from typing import Optional

import requests
from flask import Blueprint, abort, jsonify, request

from app.config import get_settings
from app.extensions import db, get_redis
from app.middleware import rate_limit
from app.models import Observation, Series
from app.services import cache
from app.services.fred_service import FREDError, FREDNotFound, FREDService

logger = logging.getLogger(__name__)

data_bp = Blueprint("data", __name__, url_prefix="/api/data")

SERIES_ID_RE = re.compile(r"^[A-Z0-9_.]{1,32}$")
SEARCH_MIN_LEN = 2
SEARCH_MAX_LEN = 100
CURRENT_CACHE_KEY = cache.cache_key("current", "v2")


def _validated_series_id(raw: str) -> str:
    series_id = raw.strip().upper()
    if not SERIES_ID_RE.match(series_id):
        abort(400, description="series_id must be 1-32 characters of A-Z, 0-9, '_' or '.'")
    return series_id


def _parse_date(name: str) -> Optional[date]:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, description=f"{name} must be an ISO date (YYYY-MM-DD)")


def _change(latest: Optional[Observation], previous: Optional[Observation]) -> Optional[float]:
    if latest is None or previous is None or latest.value is None or previous.value is None:
        return None
    return float(latest.value) - float(previous.value)


@data_bp.get("/current")
def current():
    """Latest value and change for every tracked series (the dashboard tiles)."""
    cached = cache.get_json(CURRENT_CACHE_KEY)
    if cached is not None:
        return jsonify(cached)

    settings = get_settings()
    tracked = Series.query.filter(Series.series_id.in_(settings.TRACKED_SERIES)).all()

    tiles = []
    for series in tracked:
        latest_two = (
            Observation.query.filter_by(series_pk=series.id)
            .order_by(Observation.date.desc())
            .limit(2)
            .all()
        )
        latest = latest_two[0] if latest_two else None
        previous = latest_two[1] if len(latest_two) > 1 else None
        tiles.append(
            {
                **series.to_dict(),
                "latest": latest.to_dict() if latest else None,
                "change": _change(latest, previous),
            }
        )

    body = {"as_of": date.today().isoformat(), "series": tiles}
    cache.set_json(CURRENT_CACHE_KEY, body, settings.CACHE_TTL_SECONDS)
    return jsonify(body)


@data_bp.get("/series/<series_id>")
@rate_limit(get_settings().SEARCH_RATE_LIMIT_PER_MINUTE, scope="series")
def series_detail(series_id: str):
    series_id = _validated_series_id(series_id)
    series = Series.query.filter_by(series_id=series_id).first()
    if series is not None:
        return jsonify(series.to_dict())

    fred = FREDService()
    try:
        info = fred.get_series_info(series_id)
    except FREDNotFound:
        abort(404, description=f"series {series_id} not found")
    except FREDError as exc:
        logger.error("FRED lookup failed for series_id=%s: %s", series_id, exc)
        abort(502, description="upstream data provider unavailable")
    finally:
        fred.close()

    return jsonify(
        {
            "series_id": info["id"],
            "title": info.get("title"),
            "units": info.get("units"),
            "frequency": info.get("frequency"),
            "seasonal_adjustment": info.get("seasonal_adjustment"),
            "observation_start": info.get("observation_start"),
            "observation_end": info.get("observation_end"),
            "tracked": False,
        }
    )


@data_bp.get("/series/<series_id>/observations")
def series_observations(series_id: str):
    series_id = _validated_series_id(series_id)
    start = _parse_date("start")
    end = _parse_date("end")
    if start and end and start > end:
        abort(400, description="start must be on or before end")
    limit = int(request.args.get("limit", 5000))

    series = Series.query.filter_by(series_id=series_id).first()
    if series is None:
        abort(404, description=f"series {series_id} is not tracked")

    query = Observation.query.filter(Observation.series_pk == series.id)
    if start:
        query = query.filter(Observation.date >= start)
    if end:
        query = query.filter(Observation.date <= end)
    rows = query.order_by(Observation.date.asc()).limit(limit).all()

    return jsonify(
        {
            "series_id": series.series_id,
            "units": series.units,
            "count": len(rows),
            "observations": [row.to_dict() for row in rows],
        }
    )


@data_bp.get("/search")
@rate_limit(get_settings().SEARCH_RATE_LIMIT_PER_MINUTE, scope="search")
def search():
    text = request.args.get("q", "").strip()
    if not (SEARCH_MIN_LEN <= len(text) <= SEARCH_MAX_LEN):
        abort(400, description=f"q must be {SEARCH_MIN_LEN}-{SEARCH_MAX_LEN} characters")

    key = cache.cache_key("search", text.lower())
    cached = cache.get_json(key)
    if cached is not None:
        return jsonify(results=cached, cached=True)

    fred = FREDService()
    try:
        results = fred.search_series(text, limit=25)
    except requests.RequestException as exc:
        logger.error("FRED search failed for q=%r: %s", text, exc.__class__.__name__)
        abort(502, description="upstream data provider unavailable")
    fred.close()

    get_redis().set(key, json.dumps(results))
    return jsonify(results=results, cached=False)


@data_bp.get("/stats")
def stats():
    """Row counts per tracked series, used by the status page."""
    counts = (
        db.session.query(Series.series_id, db.func.count(Observation.id), db.func.max(Observation.date))
        .outerjoin(Observation, Observation.series_pk == Series.id)
        .group_by(Series.series_id)
        .order_by(Series.series_id)
        .all()
    )
    return jsonify(
        series=[
            {"series_id": sid, "observations": n, "latest": latest.isoformat() if latest else None}
            for sid, n, latest in counts
        ]
    )
