"""Typed settings loaded from the environment.

Both the API (gunicorn) and the training worker load the same Settings object so
that limits, directories and retention policies cannot drift between the two.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(RuntimeError):
    """Raised at start-up when the environment is incomplete or inconsistent."""


def _str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if required:
            raise ConfigError(f"environment variable {name} is required")
        return default
    return value.strip()


def _int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc
    if value < minimum or (maximum is not None and value > maximum):
        raise ConfigError(f"{name}={value} is outside [{minimum}, {maximum}]")
    return value


def _float(name: str, default: float, *, minimum: float = 0.0) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name}={value} must be >= {minimum}")
    return value


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be a boolean, got {raw!r}")


def _csv(name: str) -> tuple[str, ...]:
    raw = os.environ.get(name, "")
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _rate(name: str, default: str) -> tuple[int, int]:
    """Parse "10/minute" style limits into (count, window_seconds)."""
    raw = (os.environ.get(name) or default).strip().lower()
    periods = {"second": 1, "minute": 60, "hour": 3600}
    try:
        count_s, period = raw.split("/", 1)
        count = int(count_s)
        window = periods[period]
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"{name} must look like '10/minute', got {raw!r}") from exc
    if count <= 0:
        raise ConfigError(f"{name} must allow at least one request")
    return count, window


@dataclass(frozen=True)
class Settings:
    env: str
    log_level: str
    database_url: str
    redis_url: str
    api_key_pepper: str

    # Database pool
    db_pool_size: int = 5
    db_max_overflow: int = 5
    db_pool_timeout: int = 10
    db_pool_recycle: int = 1800
    db_connect_timeout: int = 5
    db_statement_timeout_ms: int = 15000

    # Redis
    redis_socket_timeout: float = 2.0
    redis_connect_timeout: float = 2.0

    # HTTP
    max_content_length: int = 256 * 1024
    cors_allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    trusted_proxy_hops: int = 0

    # Rate limiting
    rate_limit_enabled: bool = True
    rate_limit_per_key: tuple[int, int] = (100, 60)
    rate_limit_training_execute: tuple[int, int] = (10, 60)
    rate_limit_training_general: tuple[int, int] = (30, 60)
    rate_limit_filesystem: tuple[int, int] = (60, 60)
    auth_failure_limit: tuple[int, int] = (20, 60)

    # Storage
    data_root: Path = Path("/srv/data")
    logs_dir: Path = Path("/srv/logs")
    jobs_dir: Path = Path("/srv/jobs")
    fs_max_read_bytes: int = 1024 * 1024
    fs_max_list_entries: int = 500
    log_tail_max_bytes: int = 256 * 1024

    # Jobs
    max_active_jobs_per_owner: int = 3
    max_job_attempts: int = 3

    # Worker
    worker_max_concurrent_jobs: int = 2
    worker_poll_interval: float = 2.0
    worker_control_interval: float = 2.0
    max_job_runtime_seconds: int = 6 * 3600
    max_job_log_bytes: int = 200 * 1024 * 1024
    terminate_grace_seconds: float = 30.0
    periodic_cleanup_interval: int = 600
    retry_persist_interval: int = 300
    stale_job_check_interval: int = 30
    stale_job_timeout: int = 180
    completed_job_retention_seconds: int = 3600
    max_failed_persists: int = 1000
    log_retention_seconds: int = 7 * 24 * 3600
    trainer_python: str = "python"
    worker_heartbeat_file: Path = Path("/tmp/worker-heartbeat")
    worker_metrics_port: int = 9100

    # Model registry
    registry_url: str | None = None
    registry_token: str | None = None
    registry_connect_timeout: float = 3.0
    registry_read_timeout: float = 10.0
    registry_max_retries: int = 2

    # Health / metrics
    health_check_timeout: float = 2.0
    metrics_token: str | None = None

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls) -> "Settings":
        env = _str("APP_ENV", "production")
        if env not in {"production", "staging", "development", "test"}:
            raise ConfigError(f"APP_ENV must be production, staging, development or test, got {env!r}")

        pepper = _str("API_KEY_PEPPER", required=True)
        if len(pepper) < 32:
            raise ConfigError("API_KEY_PEPPER must be at least 32 characters")

        registry_url = _str("MODEL_REGISTRY_URL")
        registry_token = _str("MODEL_REGISTRY_TOKEN")
        if registry_url and not registry_token:
            raise ConfigError("MODEL_REGISTRY_TOKEN is required when MODEL_REGISTRY_URL is set")
        if registry_url and env == "production" and not registry_url.startswith("https://"):
            raise ConfigError("MODEL_REGISTRY_URL must use https in production")

        origins = _csv("CORS_ALLOWED_ORIGINS")
        if "*" in origins:
            raise ConfigError("CORS_ALLOWED_ORIGINS must list explicit origins, not '*'")

        settings = cls(
            env=env,
            log_level=_str("LOG_LEVEL", "INFO").upper(),
            database_url=_str("DATABASE_URL", required=True),
            redis_url=_str("REDIS_URL", required=True),
            api_key_pepper=pepper,
            db_pool_size=_int("DB_POOL_SIZE", 5, minimum=1, maximum=50),
            db_max_overflow=_int("DB_MAX_OVERFLOW", 5, minimum=0, maximum=50),
            db_pool_timeout=_int("DB_POOL_TIMEOUT", 10, minimum=1, maximum=60),
            db_pool_recycle=_int("DB_POOL_RECYCLE", 1800, minimum=60),
            db_connect_timeout=_int("DB_CONNECT_TIMEOUT", 5, minimum=1, maximum=60),
            db_statement_timeout_ms=_int("DB_STATEMENT_TIMEOUT_MS", 15000, minimum=100),
            redis_socket_timeout=_float("REDIS_SOCKET_TIMEOUT", 2.0, minimum=0.1),
            redis_connect_timeout=_float("REDIS_CONNECT_TIMEOUT", 2.0, minimum=0.1),
            max_content_length=_int("MAX_CONTENT_LENGTH", 256 * 1024, minimum=1024),
            cors_allowed_origins=origins,
            trusted_proxy_hops=_int("TRUSTED_PROXY_HOPS", 0, minimum=0, maximum=5),
            rate_limit_enabled=_bool("RATE_LIMIT_ENABLED", True),
            rate_limit_per_key=_rate("API_RATE_LIMIT_PER_KEY", "100/minute"),
            rate_limit_training_execute=_rate("RATE_LIMIT_TRAINING_EXECUTE", "10/minute"),
            rate_limit_training_general=_rate("RATE_LIMIT_TRAINING_GENERAL", "30/minute"),
            rate_limit_filesystem=_rate("RATE_LIMIT_FILESYSTEM", "60/minute"),
            auth_failure_limit=_rate("AUTH_FAILURE_LIMIT", "20/minute"),
            data_root=Path(_str("DATA_ROOT", "/srv/data")),
            logs_dir=Path(_str("LOGS_DIR", "/srv/logs")),
            jobs_dir=Path(_str("JOBS_DIR", "/srv/jobs")),
            fs_max_read_bytes=_int("FS_MAX_READ_BYTES", 1024 * 1024, minimum=1024, maximum=16 * 1024 * 1024),
            fs_max_list_entries=_int("FS_MAX_LIST_ENTRIES", 500, minimum=1, maximum=5000),
            log_tail_max_bytes=_int("LOG_TAIL_MAX_BYTES", 256 * 1024, minimum=1024, maximum=4 * 1024 * 1024),
            max_active_jobs_per_owner=_int("MAX_ACTIVE_JOBS_PER_OWNER", 3, minimum=1, maximum=100),
            max_job_attempts=_int("MAX_JOB_ATTEMPTS", 3, minimum=1, maximum=10),
            worker_max_concurrent_jobs=_int("WORKER_MAX_CONCURRENT_JOBS", 2, minimum=1, maximum=64),
            worker_poll_interval=_float("WORKER_POLL_INTERVAL", 2.0, minimum=0.1),
            worker_control_interval=_float("WORKER_CONTROL_INTERVAL", 2.0, minimum=0.1),
            max_job_runtime_seconds=_int("MAX_JOB_RUNTIME_SECONDS", 6 * 3600, minimum=60),
            max_job_log_bytes=_int("MAX_JOB_LOG_BYTES", 200 * 1024 * 1024, minimum=1024 * 1024),
            terminate_grace_seconds=_float("TERMINATE_GRACE_SECONDS", 30.0, minimum=1.0),
            periodic_cleanup_interval=_int("PERIODIC_CLEANUP_INTERVAL", 600, minimum=10),
            retry_persist_interval=_int("RETRY_PERSIST_INTERVAL", 300, minimum=5),
            stale_job_check_interval=_int("STALE_JOB_CHECK_INTERVAL", 30, minimum=5),
            stale_job_timeout=_int("STALE_JOB_TIMEOUT", 180, minimum=30),
            completed_job_retention_seconds=_int("COMPLETED_JOB_RETENTION_SECONDS", 3600, minimum=60),
            max_failed_persists=_int("MAX_FAILED_PERSISTS", 1000, minimum=10, maximum=100_000),
            log_retention_seconds=_int("LOG_RETENTION_SECONDS", 7 * 24 * 3600, minimum=3600),
            trainer_python=_str("TRAINER_PYTHON", "python"),
            worker_heartbeat_file=Path(_str("WORKER_HEARTBEAT_FILE", "/tmp/worker-heartbeat")),
            worker_metrics_port=_int("WORKER_METRICS_PORT", 9100, minimum=1024, maximum=65535),
            registry_url=registry_url,
            registry_token=registry_token,
            registry_connect_timeout=_float("REGISTRY_CONNECT_TIMEOUT", 3.0, minimum=0.1),
            registry_read_timeout=_float("REGISTRY_READ_TIMEOUT", 10.0, minimum=0.1),
            registry_max_retries=_int("REGISTRY_MAX_RETRIES", 2, minimum=0, maximum=5),
            health_check_timeout=_float("API_HEALTH_CHECK_TIMEOUT", 2.0, minimum=0.1),
            metrics_token=_str("METRICS_TOKEN"),
        )

        if settings.is_production and not settings.rate_limit_enabled:
            raise ConfigError("RATE_LIMIT_ENABLED=false is not allowed when APP_ENV=production")
        if settings.stale_job_timeout <= settings.stale_job_check_interval * 2:
            raise ConfigError("STALE_JOB_TIMEOUT must exceed twice STALE_JOB_CHECK_INTERVAL")
        return settings
