"""Registry of configured provider clients, shared by every tool call."""
from __future__ import annotations

import logging

from .detection import ProviderSpec
from .openai_compatible import OpenAICompatibleProvider

logger = logging.getLogger(__name__)

_providers: dict[str, OpenAICompatibleProvider] = {}


def register_provider(spec: ProviderSpec, timeout_secs: float) -> OpenAICompatibleProvider:
    if spec.name in _providers:
        logger.debug("provider %s already registered", spec.name)
        return _providers[spec.name]
    provider = OpenAICompatibleProvider(spec, timeout_secs=timeout_secs)
    _providers[spec.name] = provider
    return provider


def get_registered(name: str) -> OpenAICompatibleProvider | None:
    return _providers.get(name)


def available_providers() -> list[str]:
    return sorted(_providers)
