"""The read loops of gorilla/websocket connections (shared by PR-TO-205 and PR-IV-204)."""

from __future__ import annotations

from typing import Any

from prodready.lang import golang as go
from prodready.lang.treesitter import ancestors

READS = frozenset({"ReadMessage", "ReadJSON", "NextReader"})


def gorilla_file(ctx: Any) -> object:
    """skip_file= test: only files that import gorilla/websocket and read from a connection."""
    return ctx.is_test_file or "gorilla/websocket" not in ctx.text or "Read" not in ctx.text


def loop_read(node: Any) -> bool:
    """`conn.ReadMessage()` inside a `for` loop: the connection's read loop."""
    parts = go.call_parts(node)
    if parts is None or parts[1] not in READS:
        return False
    return any(parent.type == "for_statement" for parent in ancestors(node))
