"""Application settings.

Values come from the process environment (Railway variables in production)
and, for local work, from a `.env` file in the backend directory.
"""
from functools import lru_cache
from typing import List

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    PROJECT_NAME: str = "Macro Dashboard API"
    VERSION: str = "1.4.0"
    ENVIRONMENT: str = "production"
    DEBUG: bool = False
    LOG_LEVEL: str = "INFO"

    # Database
    DATABASE_URL: str
    DB_POOL_SIZE: int = 10
    DB_MAX_OVERFLOW: int = 20

    # Redis
    REDIS_URL: str = "redis://localhost:6379/0"
    REDIS_MAX_CONNECTIONS: int = 10
    CACHE_TTL_SECONDS: int = 900

    # Auth
    SECRET_KEY: str = "macro-dashboard-dev-secret-2024"
    JWT_ALGORITHM: str = "HS256"
    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24
    ADMIN_API_KEY: str = ""

    # FRED
    FRED_API_KEY: str
    FRED_BASE_URL: str = "https://api.stlouisfed.org/fred"
    FRED_API_TIMEOUT: float = 30.0
    FRED_RATE_LIMIT_PER_MINUTE: int = 120

    # CORS
    CORS_ORIGINS: str = "http://localhost:3000"

    # Background refresh
    REFRESH_INTERVAL_SECONDS: int = 3600

    @field_validator("DATABASE_URL")
    @classmethod
    def use_asyncpg_driver(cls, value: str) -> str:
        # Railway hands out postgres:// URLs; SQLAlchemy async needs the driver spelled out.
        if value.startswith("postgres://"):
            return value.replace("postgres://", "postgresql+asyncpg://", 1)
        if value.startswith("postgresql://"):
            return value.replace("postgresql://", "postgresql+asyncpg://", 1)
        return value

    @property
    def is_production(self) -> bool:
        return self.ENVIRONMENT.lower() == "production"

    @property
    def cors_origins_list(self) -> List[str]:
        return [origin.strip() for origin in self.CORS_ORIGINS.split(",") if origin.strip()]


@lru_cache
def get_settings() -> Settings:
    return Settings()


settings = get_settings()
