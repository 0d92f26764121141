"""Background task created and dropped.

## What it does
Flags `asyncio.create_task(...)`, `loop.create_task(...)` and `asyncio.ensure_future(...)` used as
a bare statement: the task object is neither stored, awaited nor given a done-callback.

## Why it matters in production
The event loop keeps only a weak reference to tasks: an unreferenced task can be garbage-collected
mid-flight, and an exception inside it is reported only as "Task exception was never retrieved"
at shutdown, if at all. Work silently disappears.

## Example
```python
asyncio.create_task(send_receipt(order))
```

## Use instead
```python
task = asyncio.create_task(send_receipt(order))
background_tasks.add(task)
task.add_done_callback(background_tasks.discard)
```

## Known limitations
Tasks created through helper wrappers, or inside `asyncio.TaskGroup` (which keeps references), are
not reported.

## References
- https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-003",
    name="task-result-dropped",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Keep a reference to the task (a set of background tasks with a done-callback) or use a TaskGroup.",
    references=("https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task",),
)


@RULE.on_python(ast.Expr, skip_file=in_test_file)
def check(node: ast.Expr, ctx: PyContext) -> Iterator[Hit]:
    call = node.value
    if not isinstance(call, ast.Call) or ctx.is_test_file:
        return
    name = ctx.call_name(call) or ""
    attr = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    if name in {"asyncio.create_task", "asyncio.ensure_future"} or (
        attr == "create_task"
        and not (pyast.dotted(call.func.value) or "").endswith(("tg", "group", "nursery"))  # type: ignore[attr-defined]
    ):
        ctx.examine(RULE)
        yield RULE.hit(
            call,
            f"{name or attr}() result dropped: the task can vanish and its exception is lost",
            anchor=pyast.anchor_of(node),
        )
