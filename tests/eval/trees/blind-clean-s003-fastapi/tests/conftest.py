from __future__ import annotations

import os

# Settings are read from the environment; give unit tests a complete, valid set
# before any app module is imported.
os.environ.setdefault("ENVIRONMENT", "test")
os.environ.setdefault("DATABASE_URL", "postgresql+asyncpg://test:test@localhost:5432/test")
os.environ.setdefault("REDIS_URL", "redis://localhost:6379/15")
os.environ.setdefault("SECRET_KEY", "t" * 48)
os.environ.setdefault("FRED_API_KEY", "a" * 32)
os.environ.setdefault("REFRESH_ENABLED", "false")

import pytest  # noqa: E402

from app.core.config import Settings  # noqa: E402


@pytest.fixture
def make_settings():
    def _make(**overrides) -> Settings:
        base = {
            "ENVIRONMENT": "production",
            "DATABASE_URL": "postgresql+asyncpg://u:p@db.railway.internal:5432/macro",
            "REDIS_URL": "rediss://:p@redis.example.net:6380/0",
            "SECRET_KEY": "s" * 48,
            "FRED_API_KEY": "abcdef0123456789abcdef0123456789",
            "METRICS_TOKEN": "m" * 32,
            "CORS_ORIGINS": ["https://dashboard.example.com"],
        }
        base.update(overrides)
        return Settings(_env_file=None, **base)

    return _make
