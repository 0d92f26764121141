"""Per-connection or per-request timer that is never cleared (Node)

## What it does
Flags `setInterval(...)` started inside a function or method — a connection's heartbeat, a
per-request poller — in a file that never calls `clearInterval`. Module-level intervals (one
process-wide job) are left alone.

## Why it matters in production
Each connection or request starts another timer, and none of them stops: the callbacks keep their
socket, session and closure alive after the client is gone, so memory grows with every connection
ever made, the event loop runs more timers every minute, and a `ping()` on a closed socket throws
from inside the timer.

## Example
```ts
this.heartbeat = setInterval(() => this.socket.ping(), 30_000);
```

## Use instead
```ts
this.heartbeat = setInterval(() => this.socket.ping(), 30_000);
this.socket.on('close', () => clearInterval(this.heartbeat));
```

## Known limitations
A `clearInterval` in another file (a registry that stops every timer) is not seen.

## References
- https://nodejs.org/api/timers.html#clearintervaltimeout
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RL-101",
    name="js-interval-never-cleared",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Keep the timer handle and clearInterval() it when the connection closes or the work ends.",
    references=("https://nodejs.org/api/timers.html#clearintervaltimeout",),
)


@once_per_file
def _skip(ctx: TreeContext) -> object:
    return ctx.is_test_file or "setInterval" not in ctx.text or "clearInterval" in ctx.text


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda c: c == "setInterval", skip_file=_skip)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx) or js.callee(node) != "setInterval" or not js.is_server_file(ctx):
        return
    function = js.enclosing_function(node)
    if function is None or function.type != "method_definition" and js.function_name(function) in {
        "main", "start", "bootstrap", "startServer", "run",
    }:
        return  # a process-wide job started once (a method's start() runs per instance)
    ctx.examine(RULE)
    yield RULE.hit(node, f"setInterval() in {js.function_name(function) or 'a callback'}() is never cleared: every call leaves a timer running")
