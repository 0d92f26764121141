"""Application settings, loaded once from the process environment.

Values are read from real environment variables first; a local ``.env`` file
is used to fill in anything that is not set (handy for ``flask run``).
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import List

from dotenv import load_dotenv

load_dotenv()


def _bool(name: str, default: bool = False) -> bool:
    raw = os.getenv(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.getenv(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"Environment variable {name} must be an integer, got {raw!r}") from exc


def _list(name: str, default: str) -> List[str]:
    raw = os.getenv(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


DEFAULT_TRACKED_SERIES = "GDP,GDPC1,UNRATE,CPIAUCSL,PCEPILFE,FEDFUNDS,DGS10,T10Y2Y,PAYEMS,INDPRO,HOUST,UMCSENT"


class Settings:
    """Typed view over the environment. Instantiate through ``get_settings()``."""

    def __init__(self) -> None:
        # Runtime
        self.ENVIRONMENT: str = os.getenv("ENVIRONMENT", "production").strip().lower()
        self.DEBUG: bool = _bool("DEBUG", False)
        self.LOG_LEVEL: str = os.getenv("LOG_LEVEL", "INFO").upper()
        self.APP_VERSION: str = os.getenv("APP_VERSION", "1.4.2")
        self.SECRET_KEY: str = os.getenv("SECRET_KEY", "econdash-local-secret-key")
        self.JWT_EXPIRY_MINUTES: int = _int("JWT_EXPIRY_MINUTES", 60 * 12)

        # PostgreSQL
        self.DATABASE_URL: str = os.getenv("DATABASE_URL", "")
        self.DB_POOL_SIZE: int = _int("DB_POOL_SIZE", 10)
        self.DB_MAX_OVERFLOW: int = _int("DB_MAX_OVERFLOW", 20)
        self.DB_POOL_RECYCLE: int = _int("DB_POOL_RECYCLE", 1800)

        # Redis (cache + Celery broker)
        self.REDIS_URL: str = os.getenv("REDIS_URL", "redis://localhost:6379/0")
        self.REDIS_MAX_CONNECTIONS: int = _int("REDIS_MAX_CONNECTIONS", 10)
        self.CELERY_BROKER_URL: str = os.getenv("CELERY_BROKER_URL", self.REDIS_URL)
        self.CELERY_RESULT_BACKEND: str = os.getenv("CELERY_RESULT_BACKEND", self.REDIS_URL)
        self.CACHE_TTL_SECONDS: int = _int("CACHE_TTL_SECONDS", 900)

        # FRED
        self.FRED_API_KEY: str = os.getenv("FRED_API_KEY", "")
        self.FRED_BASE_URL: str = os.getenv("FRED_BASE_URL", "https://api.stlouisfed.org/fred").rstrip("/")
        self.FRED_API_TIMEOUT: int = _int("FRED_API_TIMEOUT", 30)
        self.FRED_RATE_LIMIT_PER_MINUTE: int = _int("FRED_RATE_LIMIT_PER_MINUTE", 120)
        self.TRACKED_SERIES: List[str] = _list("TRACKED_SERIES", DEFAULT_TRACKED_SERIES)
        self.REFRESH_INTERVAL_MINUTES: int = _int("REFRESH_INTERVAL_MINUTES", 30)

        # HTTP
        self.CORS_ORIGINS: List[str] = _list("CORS_ORIGINS", "http://localhost:3000")
        self.ADMIN_API_TOKEN: str = os.getenv("ADMIN_API_TOKEN", "")
        self.SEARCH_RATE_LIMIT_PER_MINUTE: int = _int("SEARCH_RATE_LIMIT_PER_MINUTE", 30)

    @property
    def is_production(self) -> bool:
        return self.ENVIRONMENT == "production"

    @property
    def is_development(self) -> bool:
        return self.ENVIRONMENT in {"development", "dev", "local"}

    def safe_summary(self) -> dict:
        """Settings that are safe to log at startup."""
        return {
            "environment": self.ENVIRONMENT,
            "debug": self.DEBUG,
            "log_level": self.LOG_LEVEL,
            "db_pool_size": self.DB_POOL_SIZE,
            "db_max_overflow": self.DB_MAX_OVERFLOW,
            "redis_max_connections": self.REDIS_MAX_CONNECTIONS,
            "tracked_series": len(self.TRACKED_SERIES),
            "cors_origins": self.CORS_ORIGINS,
            "fred_api_key_set": bool(self.FRED_API_KEY),
        }


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
