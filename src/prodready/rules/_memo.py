"""A file-level test asked at every node, answered once per file."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

Ctx = TypeVar("Ctx")


def once_per_file(test: Callable[[Any], object]) -> Callable[[Any], object]:
    """Cache ``test(ctx)`` in ``ctx.memo``: skip_file= tests repeated as a handler's first check
    would otherwise scan the whole file text again for every node the handler is handed."""
    key = ("once-per-file", test.__module__, test.__qualname__)

    @wraps(test)
    def cached(ctx: Any) -> object:
        memo = getattr(ctx, "memo", None)
        if memo is None:
            return test(ctx)
        if key not in memo:
            memo[key] = test(ctx)
        return memo[key]

    return cached


def lowered_text(ctx: Any) -> str:
    """``ctx.text.lower()``, once per file (shared by the skip_file= tests that read it)."""
    memo = getattr(ctx, "memo", None)
    if memo is None:
        return str(ctx.text.lower())
    lowered = memo.get("lowered_text")
    if lowered is None:
        lowered = memo["lowered_text"] = ctx.text.lower()
    return str(lowered)


def names_absent(ctx: Any, *words: str) -> bool:
    """True when no name in the file can hold any of ``words`` (lower-case) ignoring case, for
    skip_file= tests of handlers that need such a name (a piece of the file's text, lower-cased
    by their ``(?i)`` pattern). A non-ASCII file always answers False: a pattern that ignores case
    matches `ſ` for `s` and the Kelvin sign for `k`, which lower() does not reproduce."""
    if not ctx.text.isascii():
        return False
    lowered = lowered_text(ctx)
    return not any(word in lowered for word in words)
