"""Retry decorator that retries every exception.

## What it does
Flags `tenacity.retry` / `backoff.on_exception` used without restricting which exceptions are
retried: `@retry` with no `retry=` predicate, or `backoff.on_exception(..., Exception)`.

## Why it matters in production
Retrying a validation error, a 4xx, an authentication failure or a bug just multiplies the load and
the latency before the same failure; non-idempotent calls may be executed several times. Retry
transient errors only (timeouts, connection resets, 429/503) and fail fast on the rest.

## Example
```python
@retry(stop=stop_after_attempt(5), wait=wait_exponential())
def persist(doc): ...
```

## Use instead
```python
@retry(stop=stop_after_attempt(5), wait=wait_exponential(),
       retry=retry_if_exception_type((ConnectionError, TimeoutError)))
def persist(doc): ...
```

## Known limitations
Functions that only ever raise transient errors are still reported; suppress with that reason.

## References
- https://tenacity.readthedocs.io/en/latest/#whether-to-retry
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
    id="PR-RT-002",
    name="retry-everything",
    category=Category.RETRIES,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Retry only transient errors (retry_if_exception_type(...), giveup=...).",
    references=("https://tenacity.readthedocs.io/en/latest/#whether-to-retry",),
)


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=is_script_like)
def check(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if is_script_like(ctx):
        return  # a pre-start script waiting for the database: retrying anything until it answers is the point
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = ctx.qualified(target) or ""
        if name in {"tenacity.retry"}:
            ctx.examine(RULE)
            if not isinstance(decorator, ast.Call) or pyast.keyword(decorator, "retry") is None:
                yield RULE.hit(
                    decorator, f"@retry on {node.name}() retries every exception, including bugs and 4xx"
                )
        elif name == "backoff.on_exception" and isinstance(decorator, ast.Call):
            ctx.examine(RULE)
            caught = decorator.args[1] if len(decorator.args) > 1 else None
            if (
                caught is not None
                and (pyast.dotted(caught) or "") in {"Exception", "BaseException"}
                and pyast.keyword(decorator, "giveup") is None
            ):
                yield RULE.hit(
                    decorator, f"backoff.on_exception(Exception) on {node.name}() retries every error"
                )
