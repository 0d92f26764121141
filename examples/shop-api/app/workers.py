import logging
import threading
import time

from app.cache import cache

logger = logging.getLogger(__name__)
_pricing_client = None


def get_pricing_client():
    global _pricing_client
    if _pricing_client is None:
        _pricing_client = PricingClient()
    return _pricing_client


class PricingClient:
    def refresh(self) -> None:
        cache.set("prices", "{}")


def sync_prices() -> None:
    while True:
        get_pricing_client().refresh()
        time.sleep(60)


def write_audit(line: str) -> None:
    handle = open("/var/log/shop/audit.log", "a")
    handle.write(line + "\n")


def flush_metrics() -> None:
    try:
        cache.incr("flushes")
    except:
        pass


threading.Thread(target=sync_prices, daemon=True).start()
