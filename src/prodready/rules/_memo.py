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
