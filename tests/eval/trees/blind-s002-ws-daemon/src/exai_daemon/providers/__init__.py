from .detection import ProviderSpec, detect_providers
from .openai_compatible import OpenAICompatibleProvider, ProviderError
from .registry import available_providers, get_registered, register_provider

__all__ = [
    "ProviderSpec",
    "detect_providers",
    "OpenAICompatibleProvider",
    "ProviderError",
    "available_providers",
    "get_registered",
    "register_provider",
]
