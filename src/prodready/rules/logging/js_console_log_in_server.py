"""`console.log` in server code.

## What it does
Flags `console.log`/`console.debug`/`console.info` in server-side JavaScript/TypeScript (route
handlers, services, workers) of a service that has a structured logger, so the call bypasses it.
A service with no logger at all is reported once by PR-LG-104 instead of once per file. Scripts,
tests, config files, browser code and start-up/shutdown lines are skipped.

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

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.logging.js_no_logger import service_without_logger

RULE = RuleMeta(
    id="PR-LG-101",
    name="js-console-log-in-server",
    category=Category.LOGGING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Use the service's structured logger (pino, winston) with levels.",
    references=("https://getpino.io/",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    calls = ctx.model.signals("console-output")
    if not calls:
        return
    ctx.examine(RULE)
    if service_without_logger(ctx.model):
        return  # PR-LG-104 reports the service once: each console call is not a defect of its own
    for call in calls:
        yield Hit(
            line=call.get("line"),
            end_line=call.get("end_line"),
            path=str(call["file"]),
            message=f"{call.get('detail')}() in server code bypasses the service's structured logger",
        )
