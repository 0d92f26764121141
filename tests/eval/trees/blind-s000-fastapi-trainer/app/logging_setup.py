"""Logging configuration shared by the API and the worker."""
from __future__ import annotations

import logging
import sys


def configure_logging(level: str = "INFO", service: str = "api") -> None:
    fmt = f"%(asctime)s %(levelname)s [{service}] %(name)s: %(message)s"
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(fmt))

    root = logging.getLogger()
    root.handlers.clear()
    root.addHandler(handler)
    root.setLevel(level.upper())

    # Quieten chatty libraries.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
