"""Semaphore or lock acquired without a guaranteed release.

## What it does
Flags `x.acquire()` / `await x.acquire()` on a lock, semaphore or condition when the matching
`x.release()` is not in a `finally:` block (and the acquire is not an `async with`/`with`).

## Why it matters in production
Any exception or timeout between acquire and release — `asyncio.wait_for` raising `TimeoutError`, a
failed provider call — leaks a permit. Permits drain one by one until every request waits forever:
the service hangs with no error.

## Example
```python
await _global_sem.acquire()
result = await asyncio.wait_for(provider.call(prompt), timeout=CALL_TIMEOUT)
_global_sem.release()
```

## Use instead
```python
async with _global_sem:
    result = await asyncio.wait_for(provider.call(prompt), timeout=CALL_TIMEOUT)
```

## Known limitations
A release in another function (handed over on purpose) is reported; suppress with that reason.

## References
- https://docs.python.org/3/library/asyncio-sync.html#asyncio.Semaphore
- https://docs.python.org/3/library/threading.html#using-locks-conditions-and-semaphores-in-the-with-statement
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
    id="PR-RL-003",
    name="lock-released-outside-finally",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Use `async with sem:` / `with lock:`, or release in a finally block right after acquiring.",
    references=("https://docs.python.org/3/library/asyncio-sync.html#asyncio.Semaphore",),
)


def _released_in_finally(func: ast.AST, owner: str) -> bool:
    for sub in ast.walk(func):
        if isinstance(sub, ast.Try) and sub.finalbody:
            for stmt in sub.finalbody:
                for call in ast.walk(stmt):
                    if (
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "release"
                        and pyast.dotted(call.func.value) == owner
                    ):
                        return True
    return False


@RULE.on_python(ast.Call, calls=["acquire"], skip_file=in_test_file)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if not (isinstance(node.func, ast.Attribute) and node.func.attr == "acquire"):
        return
    owner = pyast.dotted(node.func.value)
    func = pyast.enclosing_function(node)
    if not owner or func is None or ctx.is_test_file:
        return
    releases = [
        sub
        for sub in ast.walk(func)
        if isinstance(sub, ast.Call)
        and isinstance(sub.func, ast.Attribute)
        and sub.func.attr == "release"
        and pyast.dotted(sub.func.value) == owner
    ]
    if not releases and not any(word in owner.lower() for word in ("lock", "sem", "mutex", "cond", "permit")):
        return  # some other acquire() API: a rate limiter's token, a pool's connection
    ctx.examine(RULE)
    if func.name in {"__enter__", "__aenter__", "acquire"}:
        return
    if not _released_in_finally(func, owner):
        yield RULE.hit(
            node,
            f"`{owner}.acquire()` without release() in a finally: an exception leaks the permit",
            anchor=func.name,
        )
