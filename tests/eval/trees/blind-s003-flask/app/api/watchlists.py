"""User watchlists: named groups of FRED series shown on a user's dashboard."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, g, jsonify, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.api.data import SERIES_ID_RE
from app.auth import require_auth
from app.extensions import db
from app.models import Watchlist, WatchlistItem

logger = logging.getLogger(__name__)

watchlists_bp = Blueprint("watchlists", __name__, url_prefix="/api/watchlists")

MAX_NAME_LENGTH = 100
MAX_WATCHLISTS_PER_USER = 50


def _own_watchlist_or_404(watchlist_id: int) -> Watchlist:
    watchlist = Watchlist.query.filter_by(id=watchlist_id, user_id=g.current_user.id).first()
    if watchlist is None:
        abort(404, description="watchlist not found")
    return watchlist


def _clean_name(raw) -> str:
    name = str(raw or "").strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        abort(400, description=f"name must be 1-{MAX_NAME_LENGTH} characters")
    return name


@watchlists_bp.get("")
@require_auth
def list_watchlists():
    watchlists = (
        Watchlist.query.filter_by(user_id=g.current_user.id)
        .options(selectinload(Watchlist.items))
        .order_by(Watchlist.created_at.asc())
        .all()
    )
    return jsonify(watchlists=[w.to_dict() for w in watchlists])


@watchlists_bp.post("")
@require_auth
def create_watchlist():
    payload = request.get_json(silent=True) or {}
    name = _clean_name(payload.get("name"))
    series_ids = payload.get("series_ids", [])

    existing = Watchlist.query.filter_by(user_id=g.current_user.id).count()
    if existing >= MAX_WATCHLISTS_PER_USER:
        abort(409, description=f"at most {MAX_WATCHLISTS_PER_USER} watchlists per user")

    watchlist = Watchlist(user_id=g.current_user.id, name=name)
    for sid in dict.fromkeys(str(s).upper() for s in series_ids):
        watchlist.items.append(WatchlistItem(series_id=sid))

    db.session.add(watchlist)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        logger.warning("Watchlist create conflict for user_id=%s name=%r", g.current_user.id, name)
        abort(409, description="watchlist could not be created")

    return jsonify(watchlist.to_dict()), 201


@watchlists_bp.get("/<int:watchlist_id>")
@require_auth
def get_watchlist(watchlist_id: int):
    return jsonify(_own_watchlist_or_404(watchlist_id).to_dict())


@watchlists_bp.patch("/<int:watchlist_id>")
@require_auth
def rename_watchlist(watchlist_id: int):
    watchlist = _own_watchlist_or_404(watchlist_id)
    payload = request.get_json(silent=True) or {}
    watchlist.name = _clean_name(payload.get("name"))
    db.session.commit()
    return jsonify(watchlist.to_dict())


@watchlists_bp.post("/<int:watchlist_id>/items")
@require_auth
def add_item(watchlist_id: int):
    watchlist = _own_watchlist_or_404(watchlist_id)
    payload = request.get_json(silent=True) or {}
    series_id = str(payload.get("series_id", "")).strip().upper()
    if not SERIES_ID_RE.match(series_id):
        abort(400, description="invalid series_id")

    db.session.add(WatchlistItem(watchlist_id=watchlist.id, series_id=series_id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, description=f"{series_id} is already on this watchlist")
    return jsonify(_own_watchlist_or_404(watchlist_id).to_dict()), 201


@watchlists_bp.delete("/<int:watchlist_id>/items/<series_id>")
@require_auth
def remove_item(watchlist_id: int, series_id: str):
    watchlist = _own_watchlist_or_404(watchlist_id)
    deleted = WatchlistItem.query.filter_by(
        watchlist_id=watchlist.id, series_id=series_id.upper()
    ).delete()
    db.session.commit()
    if not deleted:
        abort(404, description="series not on watchlist")
    return "", 204


@watchlists_bp.delete("/<int:watchlist_id>")
@require_auth
def delete_watchlist(watchlist_id: int):
    watchlist = db.session.get(Watchlist, watchlist_id)
    if watchlist is None:
        abort(404, description="watchlist not found")
    db.session.delete(watchlist)
    db.session.commit()
    logger.info("Deleted watchlist id=%s by user_id=%s", watchlist_id, g.current_user.id)
    return "", 204
