"""Application settings, loaded from the environment (and an optional .env in development)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "test", "staging", "production"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        case_sensitive=True,
        extra="ignore",
    )

    # --- runtime -----------------------------------------------------------
    # Defaults are the production-safe choice: a deployment that forgets to set
    # ENVIRONMENT gets pooled connections, strict validation and no /docs.
    ENVIRONMENT: Environment = "production"
    DEBUG: bool = False
    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    LOG_JSON: bool = True
    HOST: str = "0.0.0.0"
    PORT: int = Field(default=8000, ge=1, le=65535)
    SHUTDOWN_GRACE_SECONDS: int = Field(default=20, ge=1, le=120)

    # --- database ----------------------------------------------------------
    DATABASE_URL: SecretStr
    DB_POOL_SIZE: int = Field(default=10, ge=1, le=100)
    DB_MAX_OVERFLOW: int = Field(default=20, ge=0, le=200)
    DB_POOL_TIMEOUT: float = Field(default=10.0, gt=0, le=60)
    DB_POOL_RECYCLE: int = Field(default=1800, ge=60)
    DB_CONNECT_TIMEOUT: float = Field(default=10.0, gt=0, le=60)
    DB_COMMAND_TIMEOUT: float = Field(default=30.0, gt=0, le=300)
    DB_STATEMENT_TIMEOUT_MS: int = Field(default=30_000, ge=1_000, le=300_000)
    DB_INIT_MAX_RETRIES: int = Field(default=5, ge=1, le=20)

    # --- redis -------------------------------------------------------------
    REDIS_URL: SecretStr
    REDIS_MAX_CONNECTIONS: int = Field(default=20, ge=1, le=500)
    REDIS_CONNECT_TIMEOUT: float = Field(default=5.0, gt=0, le=30)
    REDIS_SOCKET_TIMEOUT: float = Field(default=10.0, gt=0, le=60)
    REDIS_POOL_WAIT_TIMEOUT: float = Field(default=5.0, gt=0, le=30)
    REDIS_INIT_MAX_RETRIES: int = Field(default=5, ge=1, le=20)
    CACHE_TTL_SECONDS: int = Field(default=900, ge=10, le=86_400)

    # --- security ----------------------------------------------------------
    SECRET_KEY: SecretStr
    METRICS_TOKEN: SecretStr | None = None
    CORS_ORIGINS: list[AnyHttpUrl] = Field(default_factory=list)
    RATE_LIMIT_PER_MINUTE: int = Field(default=120, ge=1, le=10_000)
    API_KEY_CACHE_SIZE: int = Field(default=1024, ge=16, le=100_000)
    API_KEY_CACHE_TTL_SECONDS: int = Field(default=60, ge=1, le=3600)

    # --- FRED --------------------------------------------------------------
    FRED_API_KEY: SecretStr
    FRED_BASE_URL: AnyHttpUrl = AnyHttpUrl("https://api.stlouisfed.org/fred/")
    FRED_API_TIMEOUT: float = Field(default=30.0, gt=0, le=120)
    FRED_CONNECT_TIMEOUT: float = Field(default=5.0, gt=0, le=30)
    # Overall budget (all attempts) for FRED calls made while a client waits.
    FRED_INTERACTIVE_DEADLINE: float = Field(default=15.0, gt=0, le=60)
    FRED_MAX_RETRIES: int = Field(default=3, ge=0, le=6)
    FRED_RATE_LIMIT_PER_MINUTE: int = Field(default=120, ge=1, le=120)
    FRED_MAX_CONNECTIONS: int = Field(default=20, ge=1, le=200)

    # --- background refresh ------------------------------------------------
    REFRESH_ENABLED: bool = True
    REFRESH_INTERVAL_SECONDS: int = Field(default=3600, ge=60, le=86_400)
    TRACKED_SERIES: list[str] = Field(
        default_factory=lambda: ["GDP", "UNRATE", "CPIAUCSL", "FEDFUNDS", "DGS10", "T10Y2Y"]
    )

    @field_validator("TRACKED_SERIES")
    @classmethod
    def _series_ids_are_well_formed(cls, value: list[str]) -> list[str]:
        from app.schemas import SERIES_ID_PATTERN

        cleaned = [v.strip().upper() for v in value if v.strip()]
        bad = [v for v in cleaned if not SERIES_ID_PATTERN.fullmatch(v)]
        if bad:
            raise ValueError(f"invalid FRED series ids in TRACKED_SERIES: {bad}")
        if len(cleaned) > 200:
            raise ValueError("TRACKED_SERIES may list at most 200 series")
        return cleaned

    @property
    def is_production(self) -> bool:
        return self.ENVIRONMENT == "production"

    @property
    def cors_origin_strings(self) -> list[str]:
        # AnyHttpUrl normalises "https://app.example.com" to "https://app.example.com/";
        # browsers send the Origin header without the trailing slash.
        return [str(origin).rstrip("/") for origin in self.CORS_ORIGINS]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]
