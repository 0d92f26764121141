"""Unbounded queue between producer and consumer.

## What it does
Flags `asyncio.Queue()`, `queue.Queue()`, `queue.SimpleQueue()` and `multiprocessing.Queue()`
created without a `maxsize` at module level or on a long-lived object, in service code.

## Why it matters in production
When consumers fall behind (a slow database, a stuck downstream), producers keep enqueueing:
memory grows without limit and latency grows with it, until the OOM killer ends the process and
every queued item is lost. A bounded queue applies back-pressure instead.

## Example
```python
events = asyncio.Queue()
```

## Use instead
```python
events = asyncio.Queue(maxsize=1000)   # producers wait (or shed load) when full
```

## Known limitations
Queues whose producers are themselves bounded (a fixed set of items) are still reported.

## References
- https://docs.python.org/3/library/asyncio-queue.html
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-UG-004",
    name="unbounded-queue",
    category=Category.UNBOUNDED_GROWTH,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Give the queue a maxsize and decide what producers do when it is full.",
    references=("https://docs.python.org/3/library/asyncio-queue.html",),
)

QUEUES = {
    "asyncio.Queue",
    "queue.Queue",
    "queue.SimpleQueue",
    "multiprocessing.Queue",
    "asyncio.queues.Queue",
}


# calls that keep what they are handed: a registry, a subscriber list, an object's constructor
KEEPS = lazy_compile(r"(?i)(^|_)(register|subscribe|add|append|attach|listen|track)|^[A-Z]")


def _outlives_call(node: ast.Call, func: ast.AST) -> bool:
    """A queue made in a function that still lives after the call: stored in a structure or an
    object built on the spot (`Conn(receive_queue=Queue())`), handed to a registry
    (`register_listener(q)`), captured by a callback registered elsewhere (`logger.add(lambda m:
    q.put_nowait(m))`), or drained by a loop that runs for the life of the service."""
    up = pyast.parent(node)
    if isinstance(up, ast.keyword | ast.Dict | ast.List | ast.Tuple) or (
        isinstance(up, ast.Call) and node in up.args
    ):
        return True
    if not isinstance(up, ast.Assign | ast.AnnAssign):
        return False
    target = up.targets[0] if isinstance(up, ast.Assign) else up.target
    if not isinstance(target, ast.Name):
        return False
    name = target.id
    for inner in ast.walk(func):
        if isinstance(inner, ast.Call) and any(isinstance(a, ast.Name) and a.id == name for a in inner.args) \
                and KEEPS.search((pyast.dotted(inner.func) or "").rsplit(".", 1)[-1]):
            return True
        if isinstance(inner, ast.Lambda) and any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in {"put", "put_nowait"}
            and isinstance(n.func.value, ast.Name) and n.func.value.id == name
            for n in ast.walk(inner.body)
        ):
            return True  # a producer callback handed to someone else
        if isinstance(inner, ast.While) and any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in {"get", "get_nowait"}
            and isinstance(n.func.value, ast.Name) and n.func.value.id == name
            for n in ast.walk(inner)
        ):
            return True
    return False


@RULE.on_python(ast.Call, calls=["Queue", "SimpleQueue"], skip_file=is_script_like)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node)
    if name not in QUEUES or is_script_like(ctx):
        return
    func = pyast.enclosing_function(node)
    if func is not None and func.name != "__init__" and not _outlives_call(node, func):
        return  # a local queue lives as long as its call
    ctx.examine(RULE)
    size = pyast.keyword(node, "maxsize")
    value = size.value if size is not None else (node.args[0] if node.args else None)
    if (
        value is None
        or (isinstance(value, ast.Constant) and value.value in (0, None))
        or name.endswith("SimpleQueue")
    ):
        yield RULE.hit(node, f"{name}() without maxsize: no back-pressure when consumers fall behind")
