"""Logging setup shared by the web process and the Celery worker."""
from __future__ import annotations

import logging
import sys

from app.config import Settings

LOG_FORMAT = "%(asctime)s %(levelname)-7s [%(process)d] %(name)s: %(message)s"

_configured = False


def configure_logging(settings: Settings) -> None:
    global _configured
    if _configured:
        return

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))

    root = logging.getLogger()
    root.handlers.clear()
    root.addHandler(handler)
    root.setLevel(settings.LOG_LEVEL)

    # Third-party libraries are chatty at DEBUG.
    for noisy in ("urllib3", "botocore", "celery.utils.functional", "kombu"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("sqlalchemy.engine").setLevel(
        logging.INFO if settings.DEBUG and settings.is_development else logging.WARNING
    )

    _configured = True
