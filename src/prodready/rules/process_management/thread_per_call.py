"""A new thread started on every call and never joined

## What it does
Flags `threading.Thread(...)` created and started inside an ordinary function — typically the
request path, such as `send_email()` starting `Thread(target=send_async_email, ...)` — when the
thread is neither kept (on `self`, in a module-level registry or collection) nor joined. Threads
started once from `__init__`, `start()`, `run()`, `main()` or an app factory are long-lived
workers and are left alone, as are scripts and tests.

## Why it matters in production
Every call adds a thread and nothing bounds how many run at once: a burst of sign-ups or a slow
SMTP relay piles up hundreds of threads, each with its own stack, until memory or the worker's
thread limit runs out. An exception inside the thread is printed to stderr and lost (the caller
already answered "sent"), and a worker that is stopped or recycled kills the threads mid-task.

## Example
```python
def send_email(msg):
    Thread(target=send_async_email, args=(current_app._get_current_object(), msg)).start()
```

## Use instead
```python
executor = ThreadPoolExecutor(max_workers=4)  # bounded; or hand the job to a task queue (RQ, Celery)

def send_email(msg):
    future = executor.submit(send_async_email, current_app._get_current_object(), msg)
    future.add_done_callback(log_failure)
```

## Known limitations
A thread handed to a helper that joins it elsewhere is still flagged.

## References
- https://docs.python.org/3/library/concurrent.futures.html#threadpoolexecutor
- https://docs.python.org/3/library/threading.html#thread-objects
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-PM-006",
    name="thread-per-call",
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Submit the work to a bounded ThreadPoolExecutor or a task queue instead of starting a thread per call.",
    references=("https://docs.python.org/3/library/concurrent.futures.html#threadpoolexecutor",),
)

LONG_LIVED_OWNERS = ("__init__", "start", "run", "main", "create_app", "setup", "init", "serve", "lifespan", "startup")


@RULE.on_python(ast.Call, calls=["Thread"], skip_file=is_script_like)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.call_name(node) not in {"threading.Thread", "Thread"} or ctx.is_test_file or is_script_like(ctx):
        return
    function = pyast.enclosing_function(node)
    if function is None or function.name.lstrip("_").startswith(LONG_LIVED_OWNERS):
        return
    if pyast.enclosing_function(function) is not None:
        return  # a closure: judged with the function that defines it
    parent = getattr(node, "parent", None) or _parent(function, node)
    started_inline = isinstance(parent, ast.Attribute) and parent.attr == "start"
    name = None
    if not started_inline:
        assign = _parent(function, node)
        if not isinstance(assign, ast.Assign) or len(assign.targets) != 1 or not isinstance(assign.targets[0], ast.Name):
            return  # kept on self, in a collection or returned: someone owns it
        name = assign.targets[0].id
        uses = [n for n in ast.walk(function) if isinstance(n, ast.Name) and n.id == name]
        methods = {
            p.attr for n in uses for p in [_parent(function, n)] if isinstance(p, ast.Attribute)
        }
        if "start" not in methods or "join" in methods or len(uses) > len(methods) + 1:
            return  # joined, or handed on (appended, returned, stored)
    ctx.examine(RULE)
    yield RULE.hit(
        node,
        f"{function.name}() starts a new thread on every call and never joins it: nothing bounds how many run, "
        "and an exception inside one is lost",
    )


def _parent(root: ast.AST, target: ast.AST) -> ast.AST | None:
    for candidate in ast.walk(root):
        for child in ast.iter_child_nodes(candidate):
            if child is target:
                return candidate
    return None
