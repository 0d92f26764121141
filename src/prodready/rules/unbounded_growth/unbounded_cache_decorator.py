"""Unbounded memoisation cache.

## What it does
Flags `functools.cache` and `functools.lru_cache(maxsize=None)` on methods (the cache keeps every
`self` alive), and on functions that take arguments in service code (each distinct argument —
often request data — adds an entry forever). `lru_cache` on methods is flagged even when bounded.

## Why it matters in production
The cache is a dict that never evicts. Keyed by user input it grows with traffic; on methods it
also pins every instance (and everything they reference) in memory.

## Example
```python
@functools.cache
def price_for(customer_id, sku): ...
```

## Use instead
```python
@functools.lru_cache(maxsize=4096)
def price_for(customer_id, sku): ...
```

## Known limitations
Functions whose arguments come from a small fixed set (enums, config keys) are still reported when
unbounded; suppress with that reason.

## References
- https://docs.python.org/3/library/functools.html#functools.lru_cache
- https://docs.astral.sh/ruff/rules/cached-instance-method/
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
    id="PR-UG-002",
    name="unbounded-cache-decorator",
    category=Category.UNBOUNDED_GROWTH,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Give the cache a maxsize (or a TTL cache); do not cache instance methods with lru_cache.",
    references=("https://docs.python.org/3/library/functools.html#functools.lru_cache",),
)


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=is_script_like)
def check(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = ctx.qualified(target) or ""
        if name not in {"functools.cache", "functools.lru_cache"}:
            continue
        if is_script_like(ctx):
            return
        ctx.examine(RULE)
        unbounded = name == "functools.cache" or (
            isinstance(decorator, ast.Call)
            and (
                pyast.is_none(maxsize.value if (maxsize := pyast.keyword(decorator, "maxsize")) is not None else None)
                or (decorator.args and pyast.is_none(decorator.args[0]))
            )
        )
        params = [a.arg for a in node.args.args]
        is_method = (
            bool(params) and params[0] in {"self", "cls"} and isinstance(pyast.parent(node), ast.ClassDef)
        )
        if is_method and params[0] == "self":
            yield RULE.hit(
                decorator, f"{name.split('.')[-1]} on method {node.name}() keeps every instance alive"
            )
        elif unbounded and len(params) > (1 if is_method else 0):
            yield RULE.hit(
                decorator,
                f"unbounded {name.split('.')[-1]} on {node.name}(): one entry per distinct argument, forever",
            )
        return
