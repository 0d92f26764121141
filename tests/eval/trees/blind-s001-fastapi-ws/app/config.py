"""Application settings.

All values are read from the environment (or a local ``.env`` file in
development).  Durations are expressed in seconds unless the name says
otherwise.
"""
from __future__ import annotations

import functools
from typing import List

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigError(RuntimeError):
    """Raised when the configuration cannot be used to start the service."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    app_name: str = "parley-gateway"
    environment: str = "development"
    log_level: str = "INFO"
    log_json: bool = True

    # --- HTTP / WebSocket -------------------------------------------------
    cors_origins: List[str] = Field(default_factory=lambda: ["*"])
    ws_allowed_origins: List[str] = Field(default_factory=list)
    ws_max_message_bytes: int = 16_384
    ws_max_connections_per_user: int = 5
    ws_send_queue_size: int = 256
    origin_reload_interval: float = 60.0

    # --- Auth ---------------------------------------------------------------
    jwt_secret: str = "parley-dev-secret"
    jwt_algorithm: str = "HS256"
    jwt_ttl_minutes: int = 60
    admin_username: str = "admin"
    admin_password: str = "parley-admin"

    # --- MongoDB ------------------------------------------------------------
    mongo_uri: str = "mongodb://localhost:27017"
    mongo_db: str = "parley"
    mongo_max_pool_size: int = 50
    mongo_server_selection_timeout_ms: int = 5_000
    mongo_socket_timeout_ms: int = 20_000

    # --- LLM provider ---------------------------------------------------------
    llm_base_url: str = "https://api.openai.com/v1"
    llm_api_key: str = ""
    llm_default_model: str = "gpt-4o-mini"
    llm_allowed_models: List[str] = Field(
        default_factory=lambda: ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini"]
    )
    llm_request_timeout: float = 30.0
    llm_connect_timeout: float = 5.0
    llm_max_retries: int = 3
    llm_max_output_tokens: int = 1024
    llm_system_prompt: str = (
        "You are Parley, a concise and friendly assistant. "
        "Answer in the language the user writes in."
    )

    # --- Sessions -------------------------------------------------------------
    session_history_messages: int = 20
    session_history_chars: int = 24_000

    # --- Rate limiting --------------------------------------------------------
    rate_limit_messages: int = 30
    rate_limit_window_seconds: float = 60.0

    # --- Shutdown -------------------------------------------------------------
    shutdown_grace_seconds: float = 10.0

    @field_validator("cors_origins", "ws_allowed_origins", "llm_allowed_models", mode="before")
    @classmethod
    def _split_csv(cls, value):
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @property
    def is_production(self) -> bool:
        return self.environment.lower() in {"prod", "production"}

    def validate_for_startup(self) -> None:
        """Fail fast on settings that cannot work at runtime."""
        errors: list[str] = []
        if not self.jwt_secret:
            errors.append("JWT_SECRET must be set")
        if self.jwt_algorithm not in {"HS256", "HS384", "HS512"}:
            errors.append(f"unsupported JWT_ALGORITHM {self.jwt_algorithm!r}")
        if not self.llm_api_key:
            errors.append("LLM_API_KEY must be set")
        if self.llm_default_model not in self.llm_allowed_models:
            errors.append("LLM_DEFAULT_MODEL must be one of LLM_ALLOWED_MODELS")
        if self.rate_limit_messages <= 0 or self.rate_limit_window_seconds <= 0:
            errors.append("rate limit values must be positive")
        if self.ws_max_message_bytes <= 0:
            errors.append("WS_MAX_MESSAGE_BYTES must be positive")
        if self.mongo_max_pool_size <= 0:
            errors.append("MONGO_MAX_POOL_SIZE must be positive")
        if errors:
            raise ConfigError("invalid configuration: " + "; ".join(errors))


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
