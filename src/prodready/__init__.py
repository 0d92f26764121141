"""prodready: is this service ready for production, and exactly what must change?"""

from __future__ import annotations

import os as _os
import sys as _sys
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"


def _guard_sys_path() -> None:
    """`python -m prodready` puts the current directory first on sys.path. Run inside an audited
    tree, that would import the tree's modules (a planted yaml.py or rich.py) in place of ours:
    drop the current directory before anything else is imported (the package's own directory
    stays). A `prodready.py` in the current directory is found before this package and cannot be
    guarded here: use the `prodready` command or `python -P -m prodready` inside untrusted trees."""
    if not _sys.argv or _sys.argv[0] != "-m":
        return
    cwd = _os.getcwd()
    home = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
    _sys.path[:] = [p for p in _sys.path if _os.path.abspath(p or cwd) != cwd or _os.path.abspath(p or cwd) == home]


_guard_sys_path()

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
