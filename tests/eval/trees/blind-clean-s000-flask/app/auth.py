"""API-key authentication.

Keys look like ``tp_<43 urlsafe chars>``. Only an HMAC-SHA256 of the key (keyed
with API_KEY_PEPPER) is stored, so a database dump does not reveal usable keys.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta, timezone

import redis
from flask import current_app, g, request
from sqlalchemy import select, update

from app.errors import Forbidden, Unauthorized
from app.ratelimit import RateLimited
from app.models import ApiKey, utcnow

log = logging.getLogger(__name__)

KEY_PREFIX = "tp_"
_KEY_RE = re.compile(r"^tp_[A-Za-z0-9_-]{43}$")
_LAST_USED_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True)
class Principal:
    key_id: str
    owner_id: str
    scopes: frozenset[str]


def generate_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(raw_key: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), raw_key.encode(), hashlib.sha256).hexdigest()


def _extract_key() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[len("Bearer "):].strip()
    return request.headers.get("X-API-Key")


def _reject(message: str) -> Unauthorized:
    """Count a failed attempt against the client address, then build the 401."""
    settings = current_app.config["SETTINGS"]
    limit, window = settings.auth_failure_limit
    try:
        current_app.extensions["rate_limiter"].hit("auth_fail", request.remote_addr or "unknown", limit, window)
    except redis.RedisError as exc:
        log.warning("could not record failed authentication", extra={"error": str(exc)})
    return Unauthorized(message, headers={"WWW-Authenticate": "Bearer"})


def authenticate() -> Principal:
    settings = current_app.config["SETTINGS"]
    limit, window = settings.auth_failure_limit
    client = request.remote_addr or "unknown"
    if current_app.extensions["rate_limiter"].exceeded("auth_fail", client, limit, window):
        raise RateLimited("too many failed authentication attempts", headers={"Retry-After": str(window)})

    raw = _extract_key()
    if not raw:
        raise _reject("missing API key")
    if not _KEY_RE.fullmatch(raw):
        raise _reject("invalid API key")

    digest = hash_api_key(raw, settings.api_key_pepper)
    session = current_app.extensions["db_session"]()
    key = session.execute(
        select(ApiKey).where(ApiKey.key_hash == digest, ApiKey.revoked.is_(False))
    ).scalar_one_or_none()
    if key is None:
        log.info("rejected API key", extra={"key_prefix": raw[:8], "client": client})
        raise _reject("invalid API key")

    now = utcnow()
    last_used = key.last_used_at
    if last_used is not None and last_used.tzinfo is None:
        last_used = last_used.replace(tzinfo=timezone.utc)
    # Only write last_used_at every few minutes so authentication stays read-only on hot paths.
    if last_used is None or now - last_used > _LAST_USED_RESOLUTION:
        session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now))
        session.commit()

    return Principal(key_id=str(key.id), owner_id=str(key.owner_id), scopes=key.scope_set())


def require_api_key(scope: str = "training"):
    """Authenticate the caller, check the scope and apply the per-key rate limit."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = authenticate()
            if scope not in principal.scopes:
                raise Forbidden(f"API key lacks the '{scope}' scope")
            g.principal = principal
            limiter = current_app.extensions["rate_limiter"]
            count, window = current_app.config["SETTINGS"].rate_limit_per_key
            limiter.enforce("key", principal.key_id, count, window)
            return view(*args, **kwargs)

        return wrapper

    return decorator
