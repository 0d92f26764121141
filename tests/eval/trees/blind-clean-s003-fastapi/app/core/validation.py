"""Startup validation of settings that pydantic field constraints cannot express.

`validate_settings` returns (errors, warnings). Errors abort startup; warnings are
logged. Checks are deliberately conservative: anything that would make a
production deployment insecure or misbehave under load is an error.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from app.core.config import Settings

_PLACEHOLDER_SECRETS = {
    "changeme",
    "change-me",
    "secret",
    "dev",
    "development",
    "replace-me",
    "your-secret-key",
}
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1"}
_MIN_SECRET_LENGTH = 32


class ConfigurationError(RuntimeError):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("invalid configuration:\n  - " + "\n  - ".join(errors))


def _deployment_platform() -> str | None:
    # Railway injects RAILWAY_ENVIRONMENT_NAME into every deployment.
    if os.environ.get("RAILWAY_ENVIRONMENT_NAME"):
        return "railway"
    return None


def validate_settings(settings: Settings) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    warnings: list[str] = []

    db_url = settings.DATABASE_URL.get_secret_value()
    db_scheme = urlsplit(db_url).scheme
    if db_scheme != "postgresql+asyncpg":
        errors.append(
            f"DATABASE_URL must use the postgresql+asyncpg:// driver (got {db_scheme or 'no scheme'}://)"
        )

    redis_scheme = urlsplit(settings.REDIS_URL.get_secret_value()).scheme
    if redis_scheme not in {"redis", "rediss"}:
        errors.append(f"REDIS_URL must use redis:// or rediss:// (got {redis_scheme or 'no scheme'}://)")

    # Checked in every environment: API keys are hashed with SECRET_KEY, so a
    # weak development key would silently carry over into any copied database.
    secret = settings.SECRET_KEY.get_secret_value()
    if len(secret) < _MIN_SECRET_LENGTH or secret.lower() in _PLACEHOLDER_SECRETS:
        errors.append(f"SECRET_KEY must be a random value of at least {_MIN_SECRET_LENGTH} characters")

    if settings.DB_POOL_SIZE + settings.DB_MAX_OVERFLOW > 200:
        warnings.append("DB_POOL_SIZE + DB_MAX_OVERFLOW exceeds 200; check the server's max_connections")

    platform = _deployment_platform()
    if platform is not None and settings.ENVIRONMENT in {"development", "test"}:
        # The failure mode from the 2025-10 audit: a development .env copied into
        # a hosted deployment. Refuse to start rather than run misconfigured.
        errors.append(
            f"ENVIRONMENT={settings.ENVIRONMENT} but the process is running on {platform}; "
            "set ENVIRONMENT=staging or ENVIRONMENT=production in the platform variables"
        )

    if not settings.is_production:
        return errors, warnings

    # ---- production-only checks ----------------------------------------------
    if settings.DEBUG:
        errors.append("DEBUG must be false in production")

    fred_key = settings.FRED_API_KEY.get_secret_value()
    if len(fred_key) != 32 or not fred_key.isalnum():
        errors.append("FRED_API_KEY does not look like a FRED key (32 alphanumeric characters)")

    if settings.METRICS_TOKEN is None or len(settings.METRICS_TOKEN.get_secret_value()) < 24:
        errors.append("METRICS_TOKEN (24+ characters) is required in production to protect /metrics")

    for origin in settings.CORS_ORIGINS:
        if origin.host in _LOCAL_HOSTS:
            errors.append(
                f"CORS_ORIGINS contains {origin} in production; remove localhost/loopback origins"
            )
        elif origin.scheme != "https":
            errors.append(f"CORS_ORIGINS entry {origin} must use https in production")

    if redis_scheme == "redis":
        host = urlsplit(settings.REDIS_URL.get_secret_value()).hostname or ""
        if not host.endswith(".railway.internal"):
            warnings.append("REDIS_URL uses plaintext redis:// over a non-private network; prefer rediss://")

    if settings.LOG_LEVEL == "DEBUG":
        warnings.append("LOG_LEVEL=DEBUG in production is noisy; use INFO or WARNING")

    return errors, warnings


def enforce(settings: Settings) -> list[str]:
    """Raise ConfigurationError on errors; return warnings for the caller to log."""
    errors, warnings = validate_settings(settings)
    if errors:
        raise ConfigurationError(errors)
    return warnings
