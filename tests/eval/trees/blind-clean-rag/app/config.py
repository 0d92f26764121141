"""Typed settings, validated once at start-up.

Every secret comes from the environment. Values that look like the
placeholders shipped in .env.example are refused, so a half-configured
deployment fails at boot instead of running with a guessable key.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_PLACEHOLDER_MARKERS = ("change-me", "changeme", "placeholder", "your-", "replace-", "<", "xxxx")


def _looks_like_placeholder(value: str) -> bool:
    lowered = value.lower()
    return any(marker in lowered for marker in _PLACEHOLDER_MARKERS)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=True)

    ENVIRONMENT: Literal["development", "test", "staging", "production"] = "production"
    DEBUG: bool = False
    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    SERVICE_NAME: str = "rag-profile-agent"

    DATABASE_URL: SecretStr
    DB_POOL_SIZE: int = Field(10, ge=1, le=100)
    DB_MAX_OVERFLOW: int = Field(10, ge=0, le=100)
    DB_POOL_TIMEOUT_S: float = Field(10.0, gt=0, le=60)
    DB_STATEMENT_TIMEOUT_MS: int = Field(15_000, ge=100, le=120_000)

    REDIS_URL: SecretStr
    REDIS_MAX_CONNECTIONS: int = Field(50, ge=1, le=1000)
    REDIS_SOCKET_TIMEOUT_S: float = Field(3.0, gt=0, le=30)

    SECRET_KEY: SecretStr
    ACCESS_TOKEN_TTL_MIN: int = Field(30, ge=5, le=24 * 60)

    OPENAI_API_KEY: SecretStr
    OPENAI_BASE_URL: str = "https://api.openai.com/v1"
    CHAT_MODEL: str = "gpt-4o-mini"
    EMBEDDING_MODEL: str = "text-embedding-3-small"
    LLM_TIMEOUT_S: float = Field(30.0, gt=0, le=120)
    LLM_MAX_RETRIES: int = Field(2, ge=0, le=5)
    LLM_MAX_OUTPUT_TOKENS: int = Field(800, ge=16, le=4096)
    EMBED_CACHE_SIZE: int = Field(2048, ge=0, le=50_000)

    ALLOWED_ORIGINS: str = ""
    RATE_LIMIT_LOGIN_PER_MIN: int = Field(5, ge=1, le=100)
    RATE_LIMIT_CHAT_PER_MIN: int = Field(20, ge=1, le=600)
    MAX_REQUEST_BYTES: int = Field(64 * 1024, ge=1024, le=10 * 1024 * 1024)

    METRICS_TOKEN: SecretStr | None = None

    @field_validator("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "OPENAI_API_KEY", "METRICS_TOKEN")
    @classmethod
    def _refuse_placeholders(cls, value: SecretStr | None, info) -> SecretStr | None:
        if value is None:
            return value
        raw = value.get_secret_value()
        if not raw.strip():
            raise ValueError(f"{info.field_name} must not be empty")
        if _looks_like_placeholder(raw):
            raise ValueError(f"{info.field_name} still holds a placeholder value")
        return value

    @field_validator("SECRET_KEY")
    @classmethod
    def _secret_key_strength(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters")
        return value

    @field_validator("DATABASE_URL")
    @classmethod
    def _async_driver(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith("postgresql+asyncpg://"):
            raise ValueError("DATABASE_URL must use the postgresql+asyncpg:// driver")
        return value

    @property
    def allowed_origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.ALLOWED_ORIGINS.split(",") if o.strip()]

    @property
    def is_production(self) -> bool:
        return self.ENVIRONMENT == "production"

    @model_validator(mode="after")
    def _production_rules(self) -> "Settings":
        for origin in self.allowed_origins:
            parts = urlsplit(origin)
            if origin == "*" or not parts.scheme or not parts.netloc:
                raise ValueError(f"ALLOWED_ORIGINS entry {origin!r} must be an explicit scheme://host")
        if self.ENVIRONMENT in ("staging", "production"):
            if self.DEBUG:
                raise ValueError("DEBUG must be false in staging/production")
            for origin in self.allowed_origins:
                parts = urlsplit(origin)
                if parts.scheme != "https" or parts.hostname in ("localhost", "127.0.0.1"):
                    raise ValueError(f"ALLOWED_ORIGINS entry {origin!r} is not allowed in {self.ENVIRONMENT}")
            if self.METRICS_TOKEN is None:
                raise ValueError("METRICS_TOKEN is required in staging/production")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]  # populated from the environment
