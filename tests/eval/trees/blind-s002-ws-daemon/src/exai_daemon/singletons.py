"""Lazily initialised process-wide objects.

Everything here runs either on the asyncio loop or in worker threads started by
asyncio.to_thread. The GIL makes the module-level assignments below atomic, so
no explicit locking is needed.
"""
from __future__ import annotations

import logging

from .config import load_settings
from .providers import detect_providers, get_registered, register_provider
from .providers.openai_compatible import OpenAICompatibleProvider
from .storage import Storage

logger = logging.getLogger(__name__)

_providers_configured = False
_storage: Storage | None = None


def ensure_providers_configured() -> None:
    global _providers_configured
    if _providers_configured:
        return
    settings = load_settings()
    specs = detect_providers(settings)
    if not specs:
        raise RuntimeError("no AI provider configured: set KIMI_API_KEY and/or GLM_API_KEY")
    for spec in specs:
        register_provider(spec, timeout_secs=settings.tool_timeout_secs)
    _providers_configured = True
    logger.info("providers configured: %s", ", ".join(s.name for s in specs))


def get_provider(name: str) -> OpenAICompatibleProvider:
    ensure_providers_configured()
    provider = get_registered(name)
    if provider is None:
        raise LookupError(f"provider {name!r} is not configured")
    return provider


def get_storage() -> Storage:
    """Only called from the event loop thread."""
    global _storage
    if _storage is None:
        _storage = Storage(load_settings())
    return _storage
