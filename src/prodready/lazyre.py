"""Regular expressions compiled on first use.

Rule modules define ~300 patterns at import; compiling them all cost a small audit more than
reading its files, and most are never used by an audit of one language. ``lazy_compile`` returns
a stand-in that compiles on its first attribute access and then keeps the compiled pattern's
methods in its own ``__dict__``: later ``PATTERN.search(...)`` calls find the bound method there
directly, as fast as on a compiled pattern.
"""

from __future__ import annotations

import re
from typing import Any, cast

_PUBLIC = tuple(name for name in dir(re.Pattern) if not name.startswith("_"))


class LazyPattern:
    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes not yet in __dict__, i.e. before the first compile.
        if name.startswith("__"):
            raise AttributeError(name)  # copy/pickle probes must not compile
        compiled = re.compile(self._source, self._flags)
        for attr in _PUBLIC:
            setattr(self, attr, getattr(compiled, attr))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self._source!r}, {self._flags!r})"


def lazy_compile(source: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, deferred until the pattern is first used."""
    return cast("re.Pattern[str]", LazyPattern(source, int(flags)))
