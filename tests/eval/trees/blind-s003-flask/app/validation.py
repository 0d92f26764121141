"""Startup validation for settings.

Returns a list of hard errors (the app refuses to start) and a list of
warnings (logged, but startup continues).
"""
from __future__ import annotations

import logging
from typing import List, Tuple
from urllib.parse import urlparse

from app.config import Settings

logger = logging.getLogger(__name__)

VALID_ENVIRONMENTS = {"production", "staging", "development", "dev", "local", "test"}
VALID_LOG_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


def _check_database_url(settings: Settings, errors: List[str]) -> None:
    if not settings.DATABASE_URL:
        errors.append("DATABASE_URL is not set")
        return
    scheme = urlparse(settings.DATABASE_URL).scheme
    if not scheme.startswith("postgresql"):
        errors.append(f"DATABASE_URL must be a PostgreSQL URL (got scheme {scheme!r})")


def _check_redis_url(settings: Settings, errors: List[str]) -> None:
    scheme = urlparse(settings.REDIS_URL).scheme
    if scheme not in {"redis", "rediss"}:
        errors.append(f"REDIS_URL must use redis:// or rediss:// (got {scheme!r})")


def _check_cors(settings: Settings, warnings: List[str]) -> None:
    if "*" in settings.CORS_ORIGINS:
        warnings.append("CORS_ORIGINS contains '*'; credentials will not be sent by browsers")
    if settings.is_production:
        local = [o for o in settings.CORS_ORIGINS if "localhost" in o or "127.0.0.1" in o]
        if local:
            warnings.append(f"CORS_ORIGINS contains local origins in production: {local}")


def validate_settings(settings: Settings) -> Tuple[List[str], List[str]]:
    errors: List[str] = []
    warnings: List[str] = []

    if settings.ENVIRONMENT not in VALID_ENVIRONMENTS:
        errors.append(
            f"ENVIRONMENT={settings.ENVIRONMENT!r} is not one of {sorted(VALID_ENVIRONMENTS)}"
        )

    if settings.LOG_LEVEL not in VALID_LOG_LEVELS:
        errors.append(f"LOG_LEVEL={settings.LOG_LEVEL!r} is not a valid level")

    _check_database_url(settings, errors)
    _check_redis_url(settings, errors)

    if not settings.FRED_API_KEY:
        errors.append("FRED_API_KEY is not set")
    elif len(settings.FRED_API_KEY) != 32:
        warnings.append("FRED_API_KEY does not look like a 32 character FRED key")

    if not settings.SECRET_KEY:
        errors.append("SECRET_KEY is not set")

    if settings.is_production:
        if settings.DEBUG:
            errors.append("DEBUG must be false in production")
        if settings.LOG_LEVEL == "DEBUG":
            warnings.append("LOG_LEVEL=DEBUG in production is very noisy")

    if settings.DB_POOL_SIZE < 1 or settings.DB_MAX_OVERFLOW < 0:
        errors.append("DB_POOL_SIZE must be >= 1 and DB_MAX_OVERFLOW >= 0")

    if settings.FRED_RATE_LIMIT_PER_MINUTE > 120:
        warnings.append("FRED_RATE_LIMIT_PER_MINUTE is above FRED's documented 120 req/min")

    _check_cors(settings, warnings)

    return errors, warnings
