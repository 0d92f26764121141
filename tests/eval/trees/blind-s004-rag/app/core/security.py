import hmac
import logging
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import Header, HTTPException, status

from app.core.config import settings

logger = logging.getLogger(__name__)

ALGORITHM = "HS256"


def create_access_token(subject: str, expires_minutes: int | None = None) -> str:
    expire = datetime.now(timezone.utc) + timedelta(minutes=expires_minutes or settings.ACCESS_TOKEN_EXPIRE_MINUTES)
    return jwt.encode({"sub": subject, "exp": expire}, settings.SECRET_KEY, algorithm=ALGORITHM)


def decode_access_token(token: str) -> dict | None:
    try:
        return jwt.decode(token, settings.SECRET_KEY, algorithms=[ALGORITHM])
    except jwt.PyJWTError as exc:
        logger.info("rejected access token: %s", type(exc).__name__)
        return None


async def require_admin(x_admin_key: str = Header(default="")) -> None:
    expected = settings.ADMIN_API_KEY
    if not expected:
        # Refuse rather than run an admin surface with no key configured.
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "admin API disabled: ADMIN_API_KEY not set")
    if not hmac.compare_digest(x_admin_key.encode(), expected.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid admin key")
