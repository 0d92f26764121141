import logging
import threading
import time

from app.cache import cache

logger = logging.getLogger(__name__)
_pricing_client = None
_pricing_lock = threading.Lock()
stop_event = threading.Event()


def get_pricing_client():
    global _pricing_client
    with _pricing_lock:
        if _pricing_client is None:
            _pricing_client = PricingClient()
    return _pricing_client


class PricingClient:
    def refresh(self) -> None:
        cache.set("prices", "{}")


def sync_prices() -> None:
    while not stop_event.is_set():
        try:
            get_pricing_client().refresh()
        except Exception:
            logger.exception("price sync failed")
        stop_event.wait(60)


def write_audit(line: str) -> None:
    with open("/var/log/shop/audit.log", "a") as handle:
        handle.write(line + "\n")


def flush_metrics() -> None:
    try:
        cache.incr("flushes")
    except Exception:
        logger.exception("metrics flush failed")
