import threading

from daemon.providers import ProviderRegistry

_registry = None
_lock = threading.Lock()


def get_registry():
    global _registry
    if _registry is None:
        _registry = ProviderRegistry()
    return _registry
