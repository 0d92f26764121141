"""Origin allow-list for WebSocket handshakes.

Origins come from two places: the static ``WS_ALLOWED_ORIGINS`` setting and
the ``allowed_origins`` collection that admins edit at runtime.  Entries may
use a leading wildcard label, e.g. ``https://*.parley.chat``.
"""
from __future__ import annotations

import logging
from typing import Iterable, Optional
from urllib.parse import urlsplit

from app.db.repositories import OriginRepository

logger = logging.getLogger(__name__)


def normalise_origin(origin: str) -> str:
    parts = urlsplit(origin.strip().lower())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"not an http(s) origin: {origin!r}")
    default_port = 443 if parts.scheme == "https" else 80
    port = f":{parts.port}" if parts.port and parts.port != default_port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


class OriginValidator:
    def __init__(self, static_origins: Iterable[str], repo: OriginRepository) -> None:
        self._static = {normalise_origin(o) for o in static_origins}
        self._repo = repo
        self._origins: set[str] = set(self._static)

    def _matches(self, origin: str, pattern: str) -> bool:
        if "*." not in pattern:
            return origin == pattern
        scheme, _, host_pattern = pattern.partition("://*.")
        o_scheme, _, o_host = origin.partition("://")
        return o_scheme == scheme and o_host.endswith("." + host_pattern)

    def is_allowed(self, origin: Optional[str]) -> bool:
        if not self._origins:
            return True
        if not origin:
            return False
        try:
            candidate = normalise_origin(origin)
        except ValueError:
            return False
        return any(self._matches(candidate, pattern) for pattern in self._origins)

    async def reload(self) -> int:
        """Refresh the allow-list from the database."""
        self._origins.clear()
        self._origins.update(self._static)
        async for doc in self._repo.iter_all():
            try:
                self._origins.add(normalise_origin(doc["origin"]))
            except ValueError:
                logger.warning("ignoring invalid stored origin", extra={"origin": doc.get("origin")})
        return len(self._origins)

    def current(self) -> list[str]:
        return sorted(self._origins)
