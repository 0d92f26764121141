"""WebSocket server with the message size limit turned off (Python `websockets`)

## What it does
Flags `websockets.serve(...)` / `websockets.asyncio.server.serve(...)` called with `max_size=None`,
which removes the library's 1 MiB default limit on incoming messages.

## Why it matters in production
Every incoming message is assembled in memory before the handler sees it. Without a limit, one
client (or a buggy one) sending a message of hundreds of megabytes makes the daemon allocate all
of it — and a few at once exhaust the process, taking every other connection down with it.

## Example
```python
async with websockets.serve(handler, host, port, max_size=None):
```

## Use instead
```python
async with websockets.serve(handler, host, port, max_size=settings.max_message_bytes):  # e.g. 1-4 MiB
```

## Known limitations
Only the `websockets` library's server is read.

## References
- https://websockets.readthedocs.io/en/stable/reference/asyncio/server.html#websockets.asyncio.server.serve
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-009",
    name="websocket-max-size-disabled",
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Keep max_size bounded (the default 1 MiB, or the largest message the protocol needs).",
    references=("https://websockets.readthedocs.io/en/stable/reference/asyncio/server.html",),
)


def websockets_serve(node: ast.Call, ctx: PyContext) -> bool:
    """A call of the `websockets` library's serve()."""
    name = ctx.call_name(node) or ""
    return name.startswith("websockets") and name.rsplit(".", 1)[-1] in {"serve", "unix_serve"}


@once_per_file
def no_websockets(ctx: PyContext) -> object:
    """skip_file=: files that cannot call the `websockets` library's serve()."""
    return ctx.is_test_file or "websockets" not in ctx.text


def disabled(node: ast.Call, name: str) -> ast.expr | None:
    """The `None` given to option ``name`` (`max_size=None`), if any."""
    option = pyast.keyword(node, name)
    if option is not None and isinstance(option.value, ast.Constant) and option.value.value is None:
        return option.value
    return None


@RULE.on_python(ast.Call, calls=["serve", "unix_serve"], skip_file=no_websockets)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if no_websockets(ctx) or not websockets_serve(node, ctx):
        return
    ctx.examine(RULE)
    value = disabled(node, "max_size")
    if value is not None:
        yield RULE.hit(value, "max_size=None: messages of any size are read into memory")
