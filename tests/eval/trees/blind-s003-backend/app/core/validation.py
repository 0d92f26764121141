"""Start-up validation of settings.

Called from the application lifespan before any connection is opened so
that an obviously broken deployment fails fast with a readable message.
"""
import logging
from typing import List, Tuple

from app.core.config import settings

logger = logging.getLogger(__name__)

_KNOWN_ENVIRONMENTS = {"development", "staging", "production", "test"}


def validate_settings() -> Tuple[bool, List[str]]:
    errors: List[str] = []
    warnings: List[str] = []

    if settings.ENVIRONMENT.lower() not in _KNOWN_ENVIRONMENTS:
        errors.append(
            f"ENVIRONMENT={settings.ENVIRONMENT!r} is not one of {sorted(_KNOWN_ENVIRONMENTS)}"
        )

    if not settings.DATABASE_URL.startswith("postgresql+asyncpg://"):
        errors.append("DATABASE_URL must use the postgresql+asyncpg:// driver")

    if not settings.FRED_API_KEY:
        errors.append("FRED_API_KEY is required")

    if settings.is_production:
        if settings.DEBUG:
            errors.append("DEBUG must be False in production")
        if len(settings.SECRET_KEY) < 24:
            errors.append("SECRET_KEY must be at least 24 characters in production")
        if "localhost" in settings.CORS_ORIGINS or "127.0.0.1" in settings.CORS_ORIGINS:
            warnings.append(
                "CORS_ORIGINS contains localhost/127.0.0.1 in production; "
                "consider removing development origins"
            )
        if settings.LOG_LEVEL.upper() == "DEBUG":
            warnings.append("LOG_LEVEL=DEBUG in production is very noisy")

    for message in warnings:
        logger.warning("Configuration warning: %s", message)

    return len(errors) == 0, errors
