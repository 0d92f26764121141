"""API-key authentication.

Clients send `X-API-Key`. Keys are stored as HMAC-SHA256(SECRET_KEY, key), so a
database leak does not reveal usable keys and lookups are by exact hash (no
per-character comparison of secrets). Successful lookups are cached in a small
bounded TTL cache; a revoked key stops working within API_KEY_CACHE_TTL_SECONDS.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader
from sqlalchemy import select

from app.core.database import session_factory
from app.models import ApiClient

logger = logging.getLogger(__name__)

K = TypeVar("K")
V = TypeVar("V")

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
_MAX_KEY_LENGTH = 128
KEY_PREFIX = "mda_"


@dataclass(frozen=True, slots=True)
class Principal:
    client_id: int
    name: str
    scopes: frozenset[str]
    rate_limit_per_minute: int | None


class TTLCache(Generic[K, V]):
    """Size-bounded LRU with per-entry expiry. Single event loop, so no locking."""

    def __init__(self, maxsize: int, ttl_seconds: float) -> None:
        self._maxsize = maxsize
        self._ttl = ttl_seconds
        self._data: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> V | None:
        item = self._data.get(key)
        if item is None:
            return None
        expires_at, value = item
        if expires_at < time.monotonic():
            del self._data[key]
            return None
        self._data.move_to_end(key)
        return value

    def set(self, key: K, value: V) -> None:
        self._data[key] = (time.monotonic() + self._ttl, value)
        self._data.move_to_end(key)
        while len(self._data) > self._maxsize:
            self._data.popitem(last=False)

    def clear(self) -> None:
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


def hash_api_key(raw_key: str, secret_key: str) -> str:
    return hmac.new(secret_key.encode(), raw_key.encode(), hashlib.sha256).hexdigest()


def generate_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def _unauthorized() -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="missing or invalid API key",
        headers={"WWW-Authenticate": "APIKey"},
    )


async def authenticate(
    request: Request,
    api_key: Annotated[str | None, Security(_api_key_header)] = None,
) -> Principal:
    if not api_key or len(api_key) > _MAX_KEY_LENGTH or not api_key.startswith(KEY_PREFIX):
        raise _unauthorized()

    settings = request.app.state.settings
    key_hash = hash_api_key(api_key, settings.SECRET_KEY.get_secret_value())
    cache: TTLCache[str, Principal] = request.app.state.api_key_cache

    principal = cache.get(key_hash)
    if principal is None:
        # Own short-lived session: the connection goes back to the pool before
        # the route runs, whatever the route does next (e.g. a slow FRED call).
        async with session_factory()() as session:
            client = await session.scalar(
                select(ApiClient).where(ApiClient.key_hash == key_hash, ApiClient.is_active.is_(True))
            )
        if client is None:
            logger.info("api key rejected", extra={"key_prefix": api_key[:8]})
            raise _unauthorized()
        principal = Principal(
            client_id=client.id,
            name=client.name,
            scopes=frozenset(client.scopes),
            rate_limit_per_minute=client.rate_limit_per_minute,
        )
        cache.set(key_hash, principal)

    request.state.principal = principal
    return principal


def require_scope(scope: str):
    async def _check(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if scope not in principal.scopes:
            raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail=f"requires scope '{scope}'")
        return principal

    return _check


def verify_metrics_token(request: Request) -> None:
    """Bearer-token check for the Prometheus scrape endpoint."""
    expected = request.app.state.settings.METRICS_TOKEN
    if expected is None:
        # Only reachable outside production: validation requires the token there.
        return
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.encode(), expected.get_secret_value().encode()
    ):
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="unauthorized")
