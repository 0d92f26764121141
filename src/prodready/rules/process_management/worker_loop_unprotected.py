"""Background worker loop dies on its first exception.

## What it does
Flags the forever-loop (`while True` / `while not stop...` / `while self.running`) of a background
worker — a function started as a thread, executor job or asyncio task in the same module, or named
like a worker (`*_worker`, `*_loop`, `poll_*`, `sync_*`, `cleanup_*`, ...) — when the loop body does
not catch exceptions.

## Why it matters in production
One unexpected error (a dropped connection, bad data) ends the thread or task. Nothing restarts it,
and nothing tells anyone: cleanup stops, syncs stop, queues back up, and the service looks healthy.

## Example
```python
def sync_prices():
    while True:
        refresh_prices()
        time.sleep(60)
```

## Use instead
```python
def sync_prices():
    while not stop.is_set():
        try:
            refresh_prices()
        except Exception:
            logger.exception("price sync failed")
        stop.wait(60)
```

## Known limitations
Supervision outside the loop (a wrapper that restarts the worker) is not recognised.

## References
- https://docs.python.org/3/library/threading.html#threading.excepthook
- https://docs.python.org/3/library/asyncio-task.html#task-object
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyflow import BACKGROUND_NAME, background_functions
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-PM-002",
    name="worker-loop-unprotected",
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Wrap the body of the loop in try/except Exception with logger.exception(...), then continue.",
    references=("https://docs.python.org/3/library/threading.html#threading.excepthook",),
)


def _is_loop_forever(test: ast.AST) -> bool:
    if isinstance(test, ast.Constant) and test.value in (True, 1):
        return True
    text = ast.unparse(test)
    return any(
        word in text for word in ("stop", "running", "shutdown", "is_set", "alive", "closed", "cancel")
    )


# Calls that do not fail in practice: what a loop may do outside its try (log, sleep, count).
HARMLESS_CALLS = frozenset({"sleep", "len", "list", "dict", "items", "keys", "values", "get", "pop", "append",
                            "debug", "info", "warning", "error", "exception", "critical", "monotonic", "time",
                            "is_set", "wait", "clear", "set", "print"})


def _broad_try(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Try) and any(
        h.type is None
        or (pyast.dotted(h.type) or "").split(".")[-1] in {"Exception", "BaseException"}
        or isinstance(h.type, ast.Tuple)
        for h in stmt.handlers
    )


def _unprotected_calls(body: list[ast.stmt]) -> bool:
    """Whether the loop makes a call that can fail outside every broad try: a try may sit in a
    `for`/`if`/`with` inside the loop (retry each item, then sleep) and still protect the loop."""
    stack: list[ast.AST] = list(body)
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Try) and _broad_try(current):
            stack.extend(current.orelse)  # else/finally run outside the handler's protection
            stack.extend(current.finalbody)
            continue
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(current, ast.Call):
            name = pyast.dotted(current.func) or ""
            if name.split(".")[-1] not in HARMLESS_CALLS:
                return True
        stack.extend(ast.iter_child_nodes(current))
    return False


@RULE.on_python(ast.While, skip_file=is_script_like)
def check(node: ast.While, ctx: PyContext) -> Iterator[Hit]:
    if not _is_loop_forever(node.test):
        return
    func = pyast.enclosing_function(node)
    if func is None or is_script_like(ctx):
        return
    if pyast.enclosing_function(func) is not None:
        return
    decorated_route = any(
        isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and d.func.attr in {"websocket", "get", "post", "route"}
        for d in func.decorator_list
    )
    if decorated_route or any(a.arg in {"websocket", "ws", "request"} for a in func.args.args):
        return
    # `@threaded def purge(...)`: a decorator that runs the function in a thread of its own
    threaded = any(re.search(r"(?i)(^|\.)(threaded|thread|in_thread|run_in_thread|background|daemon|periodic\w*)$",
                             pyast.dotted(d.func if isinstance(d, ast.Call) else d) or "") for d in func.decorator_list)
    if func.name not in background_functions(ctx) and not BACKGROUND_NAME.search(func.name) and not threaded:
        return
    ctx.examine(RULE)
    if not any(_broad_try(stmt) for stmt in node.body) and _unprotected_calls(node.body):
        yield RULE.hit(
            node.test,
            f"worker loop in {func.name}() has no try/except: one error stops it for good",
            anchor=func.name,
        )
