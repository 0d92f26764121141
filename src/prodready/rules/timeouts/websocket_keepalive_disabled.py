"""WebSocket server with keepalive pings turned off (Python `websockets`)

## What it does
Flags `websockets.serve(...)` called with `ping_interval=None` (or `ping_timeout=None`), which
turns off the library's keepalive: the server never notices a peer that disappeared.

## Why it matters in production
Clients behind NAT, on mobile networks or on laptops that sleep vanish without a close frame. With
no pings, the server keeps each such connection — its handler task, buffers, semaphore permits and
session state — until TCP gives up hours later. Long-lived daemons accumulate them until they run
out of memory or file descriptors.

## Example
```python
async with websockets.serve(handler, host, port, ping_interval=None):
```

## Use instead
```python
async with websockets.serve(handler, host, port, ping_interval=20, ping_timeout=20):  # the defaults
```

## Known limitations
Only the `websockets` library's server is read.

## References
- https://websockets.readthedocs.io/en/stable/topics/keepalive.html
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.input_validation.websocket_max_size_disabled import (
    disabled,
    no_websockets,
    websockets_serve,
)

RULE = RuleMeta(
    id="PR-TO-006",
    name="websocket-keepalive-disabled",
    category=Category.TIMEOUTS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Keep ping_interval/ping_timeout set (the defaults are 20 s) so dead peers are closed.",
    references=("https://websockets.readthedocs.io/en/stable/topics/keepalive.html",),
)


@RULE.on_python(ast.Call, calls=["serve", "unix_serve"], skip_file=no_websockets)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if no_websockets(ctx) or not websockets_serve(node, ctx):
        return
    ctx.examine(RULE)
    for name in ("ping_interval", "ping_timeout"):
        value = disabled(node, name)
        if value is not None:
            yield RULE.hit(value, f"{name}=None: keepalive pings are off, so dead peers are never closed")
            return
