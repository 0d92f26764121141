"""Thread or process pool created per call and never shut down.

## What it does
Flags `ThreadPoolExecutor(...)` / `ProcessPoolExecutor(...)` / `multiprocessing.Pool(...)` created
inside a function without `with`, never shut down (`shutdown()`, `close()`/`terminate()`), and not
returned or stored.

## Why it matters in production
Each call leaves worker threads or processes behind. Threads accumulate until the process limit,
process pools leave orphans and memory behind, and shutdown hangs waiting for them.

## Example
```python
def resize_all(images):
    pool = ThreadPoolExecutor(max_workers=8)
    return list(pool.map(resize, images))
```

## Use instead
```python
def resize_all(images):
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(resize, images))
```

## Known limitations
Pools shut down by another function are treated as escaping only when returned or stored.

## References
- https://docs.python.org/3/library/concurrent.futures.html#executor-objects
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta
from prodready.rules.resource_leaks._leaks import assigned_local, escapes_or_released, in_with

RULE = RuleMeta(
    id="PR-RL-004",
    name="executor-not-shut-down",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Use the executor in a with block, or create one per process and shut it down at exit.",
    references=("https://docs.python.org/3/library/concurrent.futures.html#executor-objects",),
)

POOLS = {
    "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor",
    "multiprocessing.Pool",
    "multiprocessing.pool.ThreadPool",
}


@RULE.on_python(ast.Call, calls=["Pool", "ProcessPoolExecutor", "ThreadPool", "ThreadPoolExecutor"], skip_file=in_test_file)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node)
    if name not in POOLS:
        return
    func = pyast.enclosing_function(node)
    if func is None or func.name == "__init__" or in_with(node) or ctx.is_test_file:
        return
    ctx.examine(RULE)
    local = assigned_local(node)
    if local is None or "." in local:
        return
    if not escapes_or_released(func, local, {"shutdown", "close", "terminate", "join"}):
        yield RULE.hit(
            node, f"{name.split('.')[-1]} created in {func.name}() and never shut down", anchor=func.name
        )
