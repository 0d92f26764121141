"""Operator endpoints: trigger refreshes, inspect refresh history, manage cache."""
from __future__ import annotations

import logging
import threading

from flask import Blueprint, abort, current_app, jsonify, request

from app.api.data import SERIES_ID_RE
from app.auth import require_admin
from app.config import get_settings
from app.models import RefreshLog
from app.services import cache

logger = logging.getLogger(__name__)

admin_bp = Blueprint("admin", __name__, url_prefix="/api/admin")

MAX_LOG_PAGE = 200


@admin_bp.post("/refresh")
@require_admin
def refresh_all():
    from app.tasks.refresh import refresh_all_series

    result = refresh_all_series.delay()
    logger.info("Queued refresh of all tracked series (task_id=%s)", result.id)
    return jsonify(task_id=result.id, series=get_settings().TRACKED_SERIES), 202


@admin_bp.post("/refresh/<series_id>")
@require_admin
def refresh_one(series_id: str):
    from app.tasks.refresh import refresh_series, run_refresh

    series_id = series_id.strip().upper()
    if not SERIES_ID_RE.match(series_id):
        abort(400, description="invalid series_id")

    if request.args.get("inline") == "1":
        app = current_app._get_current_object()

        def _run():
            with app.app_context():
                run_refresh(series_id)

        threading.Thread(target=_run, name=f"refresh-{series_id}", daemon=True).start()
        return jsonify(series_id=series_id, mode="inline"), 202

    result = refresh_series.delay(series_id)
    return jsonify(series_id=series_id, task_id=result.id, mode="queued"), 202


@admin_bp.get("/refresh/logs")
@require_admin
def refresh_logs():
    try:
        limit = int(request.args.get("limit", 50))
    except ValueError:
        abort(400, description="limit must be an integer")
    limit = max(1, min(limit, MAX_LOG_PAGE))

    query = RefreshLog.query
    series_id = request.args.get("series_id")
    if series_id:
        query = query.filter_by(series_id=series_id.upper())
    logs = query.order_by(RefreshLog.started_at.desc()).limit(limit).all()
    return jsonify(logs=[log.to_dict() for log in logs])


@admin_bp.post("/cache/flush")
def flush_cache():
    removed = cache.delete_prefix(f"{cache.KEY_PREFIX}:")
    logger.info("Flushed %d cache keys", removed)
    return jsonify(removed=removed)
