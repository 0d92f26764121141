"""Password hashing, access tokens and Redis-backed rate limiting."""
from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import bcrypt
import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.requests import HTTPConnection

from app.config import Settings, get_settings

logger = logging.getLogger(__name__)

TOKEN_AUDIENCE = "rag-profile-agent"
TOKEN_ALGORITHM = "HS256"

# Verified against when the e-mail is unknown so both branches cost one bcrypt check.
_DUMMY_HASH = bcrypt.hashpw(b"timing-equaliser", bcrypt.gensalt(rounds=12))


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12)).decode()


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        bcrypt.checkpw(password.encode(), _DUMMY_HASH)
        return False
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:
        logger.warning("stored password hash is malformed")
        return False


def create_access_token(user_id: uuid.UUID, settings: Settings) -> str:
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(user_id),
        "aud": TOKEN_AUDIENCE,
        "iat": now,
        "exp": now + timedelta(minutes=settings.ACCESS_TOKEN_TTL_MIN),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, settings.SECRET_KEY.get_secret_value(), algorithm=TOKEN_ALGORITHM)


def decode_access_token(token: str, settings: Settings) -> uuid.UUID | None:
    verified = verify_access_token(token, settings)
    return verified[0] if verified else None


def verify_access_token(token: str, settings: Settings) -> tuple[uuid.UUID, int] | None:
    """Return (user id, expiry as unix time) for a valid token, else None."""
    try:
        claims = jwt.decode(
            token,
            settings.SECRET_KEY.get_secret_value(),
            algorithms=[TOKEN_ALGORITHM],
            audience=TOKEN_AUDIENCE,
            options={"require": ["exp", "iat", "sub", "aud"]},
            leeway=10,
        )
        return uuid.UUID(claims["sub"]), int(claims["exp"])
    except (jwt.PyJWTError, ValueError):
        return None


_bearer = HTTPBearer(auto_error=False)


async def current_user_id(
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
    settings: Settings = Depends(get_settings),
) -> uuid.UUID:
    user_id = decode_access_token(credentials.credentials, settings) if credentials else None
    if user_id is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Not authenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user_id


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    remaining: int
    retry_after_s: int


class RateLimiter:
    """Fixed-window counter in Redis, shared by every replica."""

    def __init__(self, redis: Redis, prefix: str = "rl") -> None:
        self.redis = redis
        self.prefix = prefix

    async def hit(self, scope: str, key: str, limit: int, window_s: int = 60) -> RateDecision:
        now = int(time.time())
        bucket = now // window_s
        redis_key = f"{self.prefix}:{scope}:{key}:{bucket}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(redis_key)
            pipe.expire(redis_key, window_s + 1)
            count, _ = await pipe.execute()
        retry_after = window_s - (now % window_s)
        return RateDecision(allowed=count <= limit, remaining=max(limit - count, 0), retry_after_s=retry_after)


def client_ip(request: HTTPConnection) -> str:
    # uvicorn rewrites request.client from X-Forwarded-For only for trusted proxies
    # (--proxy-headers with FORWARDED_ALLOW_IPS), so this is not client-spoofable.
    return request.client.host if request.client else "unknown"


async def enforce(limiter: RateLimiter, scope: str, key: str, limit: int) -> None:
    """Raise 429 when over the limit. Fails closed if Redis is unreachable."""
    try:
        decision = await limiter.hit(scope, key, limit)
    except RedisError:
        logger.warning("rate limiter unavailable", exc_info=True, extra={"scope": scope})
        raise HTTPException(status_code=503, detail="Service temporarily unavailable")
    if not decision.allowed:
        raise HTTPException(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            detail="Too many requests",
            headers={"Retry-After": str(decision.retry_after_s)},
        )
