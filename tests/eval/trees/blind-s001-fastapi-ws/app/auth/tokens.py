"""JWT issuing and verification."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import jwt

from app.config import Settings

ISSUER = "parley-gateway"


class TokenError(Exception):
    pass


def issue_access_token(settings: Settings, *, user_id: str, username: str, role: str) -> str:
    now = datetime.now(timezone.utc)
    claims = {
        "sub": user_id,
        "name": username,
        "role": role,
        "iss": ISSUER,
        "iat": now,
        "exp": now + timedelta(minutes=settings.jwt_ttl_minutes),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=settings.jwt_algorithm)


def decode_access_token(settings: Settings, token: str) -> dict[str, Any]:
    try:
        return jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=[settings.jwt_algorithm],
            issuer=ISSUER,
            options={"require": ["exp", "sub", "iss"]},
        )
    except jwt.PyJWTError as exc:
        raise TokenError(str(exc)) from exc


def decode_ws_token(settings: Settings, token: str) -> dict[str, Any]:
    """Decode the token a browser passes on the WebSocket query string.

    Long-running chat tabs reconnect with the token they were opened with, so
    the socket handshake accepts it for as long as the signature is valid.
    """
    try:
        return jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=[settings.jwt_algorithm],
            issuer=ISSUER,
            options={"verify_exp": False, "require": ["sub"]},
        )
    except jwt.PyJWTError as exc:
        raise TokenError(str(exc)) from exc
