"""API key authentication and per-key rate limiting."""
from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass

from fastapi import Depends, Header, HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import get_settings
from app.db import get_db
from app.models import ApiKey

logger = logging.getLogger(__name__)
settings = get_settings()

# api_key_hash -> list of request timestamps inside the current window
_request_log: dict[str, list[float]] = {}


@dataclass(frozen=True)
class Principal:
    owner: str
    key_prefix: str
    key_hash: str


def hash_api_key(raw_key: str) -> str:
    return hmac.new(settings.api_key_salt.encode(), raw_key.encode(), hashlib.sha256).hexdigest()


def check_rate_limit(api_key_hash: str) -> tuple[bool, int]:
    """Sliding-window limiter. Returns (allowed, remaining)."""
    now = time.monotonic()
    window_start = now - settings.api_rate_limit_window_s
    timestamps = _request_log.setdefault(api_key_hash, [])
    # Drop timestamps that fell out of the window.
    while timestamps and timestamps[0] < window_start:
        timestamps.pop(0)
    if len(timestamps) >= settings.api_rate_limit_per_key:
        return False, 0
    timestamps.append(now)
    return True, settings.api_rate_limit_per_key - len(timestamps)


def _extract_key(authorization: str | None, x_api_key: str | None) -> str:
    if x_api_key:
        return x_api_key.strip()
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="Missing API key")


def _authenticate(raw: str, db: Session) -> Principal:
    key_hash = hash_api_key(raw)
    row = db.execute(
        select(ApiKey).where(ApiKey.key_hash == key_hash, ApiKey.revoked.is_(False))
    ).scalar_one_or_none()
    if row is None:
        logger.info("rejected api key with prefix %s", raw[:6])
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="Invalid API key")
    return Principal(owner=row.owner, key_prefix=row.prefix, key_hash=key_hash)


def require_api_key(
    authorization: str | None = Header(default=None),
    x_api_key: str | None = Header(default=None),
    db: Session = Depends(get_db),
) -> Principal:
    return _authenticate(_extract_key(authorization, x_api_key), db)


def rate_limited_api_key(
    authorization: str | None = Header(default=None),
    x_api_key: str | None = Header(default=None),
    db: Session = Depends(get_db),
) -> Principal:
    raw = _extract_key(authorization, x_api_key)
    # Throttle before touching the database so key guessing is limited as well.
    allowed, _remaining = check_rate_limit(hash_api_key(raw))
    if not allowed:
        raise HTTPException(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            detail="Rate limit exceeded",
            headers={"Retry-After": str(settings.api_rate_limit_window_s)},
        )
    return _authenticate(raw, db)
