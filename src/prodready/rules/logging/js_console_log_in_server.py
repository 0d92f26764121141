"""`console.log` in server code.

## What it does
Flags `console.log`/`console.debug`/`console.info` in server-side JavaScript/TypeScript (route
handlers, services, workers). Scripts, tests, config files and browser code are skipped.

## Why it matters in production
Console output has no level, no structure and no request context; it cannot be turned down in
production, is synchronous on some platforms, and often dumps request bodies into logs.

## Example
```ts
console.log("order received", req.body)
```

## Use instead
```ts
logger.info({ orderId: order.id }, "order received")   // pino/winston with levels and JSON
```

## Known limitations
Server files are recognised by imports and paths.

## References
- https://getpino.io/
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-101",
    name="js-console-log-in-server",
    category=Category.LOGGING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Use a structured logger (pino, winston) with levels.",
    references=("https://getpino.io/",),
)


def _in_startup_callback(node: Any) -> bool:
    """`app.listen(port, () => console.log(...))` and signal handlers: one startup/shutdown line."""
    for anc in ancestors(node):
        if anc.type == "call_expression" and js.callee(anc).endswith(
            (".listen", "process.on", "process.once")
        ):
            return True
    return False


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if js.callee(node) not in {"console.log", "console.debug", "console.info"}:
        return
    if not js.is_server_file(ctx):
        return
    ctx.examine(RULE)
    if _in_startup_callback(node):
        return
    line = node.start_point[0]
    previous = " ".join(ctx.lines[max(0, line - 2) : line])
    if "no-console" in previous or "no-console" in ctx.text[:300]:
        return  # the team allowed console output here on purpose (eslint-disable no-console)
    yield RULE.hit(node, f"{js.callee(node)}() in server code bypasses structured logging")
