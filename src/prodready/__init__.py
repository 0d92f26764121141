"""prodready: is this service ready for production, and exactly what must change?"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from prodready.api import audit
    from prodready.model import AuditReport, Finding

__all__ = ["AuditReport", "Finding", "__version__", "audit"]


def __getattr__(name: str) -> Any:
    """Lazy exports: `prodready --version` must not load the engine."""
    if name == "audit":
        from prodready.api import audit

        return audit
    if name in ("AuditReport", "Finding"):
        from prodready import model

        return getattr(model, name)
    raise AttributeError(f"module 'prodready' has no attribute {name!r}")
