"""Runtime settings for the daemon, read from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass


def _int(name: str, default: int) -> int:
    raw = os.getenv(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def _float(name: str, default: float) -> float:
    raw = os.getenv(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    monitor_port: int
    auth_token: str
    max_concurrency: int
    max_per_provider: int
    tool_timeout_secs: float
    hello_timeout_secs: float
    kimi_api_key: str
    kimi_base_url: str
    glm_api_key: str
    glm_base_url: str
    redis_url: str
    supabase_url: str
    supabase_key: str


def load_settings() -> Settings:
    settings = Settings(
        host=os.getenv("EXAI_WS_HOST", "0.0.0.0"),
        port=_int("EXAI_WS_PORT", 8079),
        monitor_port=_int("EXAI_MONITOR_PORT", 8082),
        auth_token=os.getenv("EXAI_WS_TOKEN", ""),
        max_concurrency=_int("EXAI_MAX_CONCURRENCY", 24),
        max_per_provider=_int("EXAI_MAX_PER_PROVIDER", 8),
        tool_timeout_secs=_float("EXAI_TOOL_TIMEOUT_SECS", 120.0),
        hello_timeout_secs=_float("EXAI_HELLO_TIMEOUT_SECS", 10.0),
        kimi_api_key=os.getenv("KIMI_API_KEY", ""),
        kimi_base_url=os.getenv("KIMI_BASE_URL", "https://api.moonshot.ai/v1"),
        glm_api_key=os.getenv("GLM_API_KEY", ""),
        glm_base_url=os.getenv("GLM_BASE_URL", "https://api.z.ai/api/paas/v4"),
        redis_url=os.getenv("REDIS_URL", "redis://localhost:6379/0"),
        supabase_url=os.getenv("SUPABASE_URL", "https://mxqkrbvtzyjcplwoaefn.supabase.co"),
        supabase_key=os.getenv(
            "SUPABASE_SERVICE_ROLE_KEY",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6Im14cWtyYnZ0enlqY3Bsd29hZWZuIiwicm9sZSI6InNlcnZpY2Vfcm9sZSJ9.Qm4xV0tFc1pGUmR2cUxYb1k3c0xqN2dQZ2N6d0RhMFM",
        ),
    )
    if settings.max_concurrency < 1 or settings.max_per_provider < 1:
        raise ValueError("EXAI_MAX_CONCURRENCY and EXAI_MAX_PER_PROVIDER must be >= 1")
    if settings.max_per_provider > settings.max_concurrency:
        raise ValueError("EXAI_MAX_PER_PROVIDER cannot exceed EXAI_MAX_CONCURRENCY")
    return settings
