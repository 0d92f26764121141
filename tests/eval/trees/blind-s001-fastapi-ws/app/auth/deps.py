"""FastAPI dependencies for authenticating REST requests."""
from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Optional

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth.tokens import TokenError, decode_access_token
from app.db.repositories import User

logger = logging.getLogger(__name__)

_bearer = HTTPBearer(auto_error=False)


class UserCache:
    """Small TTL cache in front of the users collection.

    Every authenticated request resolves the user; caching for a short time
    keeps admin dashboards that poll every few seconds off the database.
    """

    def __init__(self, max_entries: int = 1024, ttl_seconds: float = 30.0) -> None:
        self._max = max_entries
        self._ttl = ttl_seconds
        self._items: "OrderedDict[str, tuple[float, User]]" = OrderedDict()

    def get(self, user_id: str) -> Optional[User]:
        item = self._items.get(user_id)
        if item is None:
            return None
        stored_at, user = item
        if time.monotonic() - stored_at > self._ttl:
            self._items.pop(user_id, None)
            return None
        self._items.move_to_end(user_id)
        return user

    def put(self, user: User) -> None:
        self._items[user.id] = (time.monotonic(), user)
        self._items.move_to_end(user.id)
        while len(self._items) > self._max:
            self._items.popitem(last=False)

    def invalidate(self, user_id: str) -> None:
        self._items.pop(user_id, None)


async def get_current_user(
    request: Request,
    credentials: Optional[HTTPAuthorizationCredentials] = Depends(_bearer),
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    state = request.app.state
    try:
        claims = decode_access_token(state.settings, credentials.credentials)
    except TokenError as exc:
        logger.info("rejected token", extra={"reason": str(exc), "path": request.url.path})
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc

    user_id = claims["sub"]
    user = state.user_cache.get(user_id)
    if user is None:
        user = await state.users.by_id(user_id)
        if user is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown user")
        state.user_cache.put(user)
    return user


async def require_admin(user: User = Depends(get_current_user)) -> User:
    if not user.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "admin role required")
    return user
