"""Pool sizes hard-coded.

## What it does
Flags `pool_size=`, `max_overflow=` and `max_connections=` given as integer literals to SQLAlchemy
engines and Redis pools.

## Why it matters in production
The right pool size depends on the number of workers, replicas and the database's connection
limit — all deployment facts. Hard-coded, scaling out multiplies connections until the database
refuses them ("too many clients"), and tuning needs a release.

## Example
```python
engine = create_engine(URL, pool_size=20, max_overflow=10)
```

## Use instead
```python
engine = create_engine(URL, pool_size=settings.DB_POOL_SIZE, max_overflow=settings.DB_MAX_OVERFLOW)
```

## Known limitations
Literal sizes in test and script files are ignored.

## References
- https://docs.sqlalchemy.org/en/20/core/pooling.html
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
    id="PR-DB-002",
    name="hardcoded-pool-size",
    category=Category.DATABASE,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Read pool sizes from configuration, sized from workers x replicas against the database's limit.",
    references=("https://docs.sqlalchemy.org/en/20/core/pooling.html",),
)

KEYS = ("pool_size", "max_overflow")
FACTORIES = ("create_engine", "create_async_engine")


@RULE.on_python(ast.Call, calls=["create_async_engine", "create_engine"], skip_file=is_script_like)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = (ctx.call_name(node) or "").split(".")[-1]
    if name not in FACTORIES or is_script_like(ctx):
        return
    literal = [
        k
        for k in KEYS
        if (kw := pyast.keyword(node, k)) is not None
        and isinstance(kw.value, ast.Constant)
        and isinstance(kw.value.value, int)
    ]
    if any(pyast.keyword(node, k) is not None for k in KEYS):
        ctx.examine(RULE)
    if literal:
        first = pyast.keyword(node, literal[0])
        where = first.value if first is not None else node  # the `pool_size=20` a reviewer points at
        yield RULE.hit(where, f"{', '.join(literal)} hard-coded in {name}()")
