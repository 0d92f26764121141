"""Application settings, loaded from the environment (and .env in development)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: str = "development"
    debug: bool = True
    log_level: str = "INFO"

    database_url: str = "postgresql+psycopg2://trainer:trainer@localhost:5432/trainer"
    db_pool_size: int = 10
    db_max_overflow: int = 5
    db_pool_timeout_s: int = 10

    redis_url: str = "redis://localhost:6379/0"

    api_key_salt: str = "finetune-dev-salt"
    hf_token: str | None = None

    model_registry_url: str = "https://huggingface.co"
    model_registry_timeout_s: float = 10.0
    model_registry_max_retries: int = 3
    model_cache_size: int = 512
    model_cache_ttl_s: int = 900

    data_root: Path = Path("/data")
    datasets_dir: Path = Path("/data/datasets")
    output_dir: Path = Path("/data/outputs")
    logs_dir: Path = Path("/data/logs")

    api_rate_limit_per_key: int = 100
    api_rate_limit_window_s: int = 60

    cors_origins: str = "*"

    # Worker
    queue_name: str = "training:queue"
    control_channel: str = "training:control"
    progress_channel_prefix: str = "training:progress:"
    worker_heartbeat_key: str = "training:worker:heartbeat"
    terminate_grace_period_s: float = Field(default=15.0, ge=1.0)
    retry_persist_interval_s: int = 300
    dataset_download_chunk_bytes: int = 1 << 20

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
