"""Lazy singleton initialised without a lock.

## What it does
Flags the check-then-act pattern on module state — `global _x; if _x is None: _x = X()` (also
`if not _x:`) — when no lock is held around it, in service code where the function can run on
several threads at once (sync handlers run in a thread pool, executors, threads) or across an
`await` between the check and the assignment.

## Why it matters in production
Two requests race through the check and both build the object: two connection pools, two provider
registrations, a client configured twice, one of them silently lost. The GIL does not make
check-then-set atomic: a thread switch can happen between the check and the assignment.

## Example
```python
def get_registry():
    global _registry
    if _registry is None:
        _registry = ProviderRegistry()
    return _registry
```

## Use instead
```python
_lock = threading.Lock()

def get_registry():
    global _registry
    with _lock:
        if _registry is None:
            _registry = ProviderRegistry()
    return _registry
```

## Known limitations
Functions only ever called at import time are still reported; `functools.cache` on a zero-argument
factory is the simpler fix there.

## References
- https://docs.python.org/3/library/threading.html#lock-objects
- https://en.wikipedia.org/wiki/Double-checked_locking
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyflow import under_lock
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-001",
    name="lazy-singleton-race",
    category=Category.CONCURRENCY,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Hold a lock around the check and the assignment (double-checked locking), or build it at start-up.",
    references=("https://docs.python.org/3/library/threading.html#lock-objects",),
    grouped=False,  # each collection (global) is a defect of its own
)


ONE_THREAD = lazy_compile(r"(?i)(only|always) (called|used|runs?) (from|on|in) the (event[- ]loop|main) thread|single[- ]threaded")


@RULE.on_python(ast.If, skip_file=is_script_like)
def check_flag(node: ast.If, ctx: PyContext) -> Iterator[Hit]:
    """`if _configured: return` ... `_configured = True`: a one-time set-up guarded by a global flag,
    set only after slow work, so concurrent first callers all run the set-up."""
    test = node.test
    if not (isinstance(test, ast.Name) and len(node.body) == 1 and isinstance(node.body[0], ast.Return)):
        return
    func = pyast.enclosing_function(node)
    if func is None or isinstance(func, ast.AsyncFunctionDef):
        return
    opening = next((stmt for stmt in func.body if not isinstance(stmt, ast.Global | ast.Expr)), None)
    if node is not opening or not any(isinstance(stmt, ast.Global) and test.id in stmt.names for stmt in func.body):
        return  # the guard must open the function, on a global it declares
    sets = [stmt for stmt in func.body if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == test.id for t in stmt.targets)
            and isinstance(stmt.value, ast.Constant) and stmt.value.value is True]
    if not sets or is_script_like(ctx):
        return
    ctx.examine(RULE)
    work = [sub for stmt in func.body if stmt.lineno < sets[0].lineno and stmt is not node for sub in ast.walk(stmt) if isinstance(sub, ast.Call)]
    if not work or under_lock(node) or ONE_THREAD.search(ast.get_docstring(func) or ""):
        return
    yield RULE.hit(
        node.test,
        f"`{test.id}` is tested here and set only after the set-up work (line {sets[0].lineno}): concurrent first "
        f"callers of {func.name}() all run it",
        anchor=func.name,
    )


def _checked_name(test: ast.AST) -> str | None:
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and pyast.is_none(test.comparators[0])
    ):
        return pyast.dotted(test.left)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return pyast.dotted(test.operand)
    return None


def _globals_declared(func: ast.AST) -> set[str]:
    """Names a function declares `global` (memoised on the node: many ifs share one function)."""
    names: set[str] | None = getattr(func, "_pr_globals", None)
    if names is None:
        names = {n for stmt in pyast.walk_shallow(func) if isinstance(stmt, ast.Global) for n in stmt.names}
        func._pr_globals = names  # type: ignore[attr-defined]
    return names


@RULE.on_python(ast.If, skip_file=is_script_like)
def check(node: ast.If, ctx: PyContext) -> Iterator[Hit]:
    name = _checked_name(node.test)
    if not name:
        return
    func = pyast.enclosing_function(node)
    if func is None:
        return
    assigns = [
        stmt
        for stmt in node.body
        for sub in ast.walk(stmt)
        if isinstance(sub, ast.Assign) and any(pyast.dotted(t) == name for t in sub.targets)
    ]
    if not assigns:
        return
    is_class_attr = name.startswith("cls.") or (name.count(".") == 1 and name.split(".")[0][:1].isupper())
    if not is_class_attr and name not in _globals_declared(func):
        return
    if is_script_like(ctx):
        return
    ctx.examine(RULE)
    if under_lock(node):
        return
    awaits = any(isinstance(sub, ast.Await) for stmt in node.body for sub in ast.walk(stmt))
    if isinstance(func, ast.AsyncFunctionDef) and not awaits:
        return  # no await between check and set: atomic on one event loop
    if ONE_THREAD.search(ast.get_docstring(func) or ""):
        return  # the author states it runs on one thread only
    yield RULE.hit(
        node.test,
        f"`{name}` is checked and set without a lock in {func.name}(): two callers can both build it",
        anchor=func.name,
    )
