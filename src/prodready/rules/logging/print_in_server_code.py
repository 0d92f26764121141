"""Printing to stdout instead of logging in server code.

## What it does
Flags `print(...)` calls in modules of a service (web apps, workers, tasks, application packages).
Scripts, CLIs, tests, notebooks, `__main__` blocks and `print(..., file=...)` to an explicit stream
are skipped.

## Why it matters in production
`print` bypasses the logging configuration: no level, no timestamp, no request id, no JSON, and it
is block-buffered under most process managers, so lines arrive late or are lost on a crash. It
cannot be turned down in production and often dumps request data into logs.

## Example
```python
print("received", data)
```

## Use instead
```python
logger.info("message received", extra={"size": len(data)})
```

## Known limitations
Which files are "server code" is inferred from imports and paths; a script inside the application
package that is not marked as such (argparse, `__main__` guard) may be reported.

## References
- https://docs.python.org/3/howto/logging.html
- https://12factor.net/logs
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import SERVER_MODULES, imports_any, is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-001",
    name="print-in-server-code",
    category=Category.LOGGING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Use a module logger (logger = logging.getLogger(__name__)) with a level.",
    references=("https://docs.python.org/3/howto/logging.html",),
)

APP_DIRS = {
    "app",
    "api",
    "server",
    "service",
    "services",
    "worker",
    "workers",
    "tasks",
    "backend",
    "routers",
    "routes",
    "handlers",
    "core",
}


def _is_server_file(ctx: PyContext) -> bool:
    if is_script_like(ctx):
        return False
    if imports_any(ctx, SERVER_MODULES):
        return True
    parts = ctx.path.split("/")[:-1]
    return any(part in APP_DIRS for part in parts)


@RULE.on_python(ast.Call, calls=["print"])
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if not (isinstance(node.func, ast.Name) and node.func.id == "print"):
        return
    if "print" in ctx.imports:  # a local print() replacement
        return
    if not _is_server_file(ctx) or pyast.under_main_guard(node):
        return
    ctx.examine(RULE)
    if pyast.keyword(node, "file") is not None:
        return
    yield RULE.hit(
        node, "print() in server code bypasses logging (no level, no structure)", anchor=pyast.anchor_of(node)
    )
