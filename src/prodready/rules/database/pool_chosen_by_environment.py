"""Connection pooling switched by an environment flag.

## What it does
Flags engines created inside an `if`/conditional on the environment (`is_production`,
`ENVIRONMENT`, `DEBUG`) where one branch uses `NullPool`, and `NullPool` combined with pool sizing
arguments.

## Why it matters in production
When the flag defaults to development, production silently runs without a pool (a new connection per
request) — or crashes at start-up because `NullPool` rejects `pool_size`.

## Example
```python
if settings.is_production:
    engine = create_async_engine(URL, pool_size=20)
else:
    engine = create_async_engine(URL, poolclass=NullPool)
```

## Use instead
```python
engine = create_async_engine(URL, pool_size=settings.DB_POOL_SIZE, pool_pre_ping=True)
# use NullPool only where it is required (e.g. tests, serverless), chosen explicitly
```

## Known limitations
Flags evaluated in another module are recognised by name only.

## References
- https://docs.sqlalchemy.org/en/20/core/pooling.html#switching-pool-implementations
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-DB-003",
    name="pool-chosen-by-environment",
    category=Category.DATABASE,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Configure the pool explicitly per deployment; never let a defaulted environment flag disable pooling.",
    references=("https://docs.sqlalchemy.org/en/20/core/pooling.html#switching-pool-implementations",),
)

ENV_TEST = lazy_compile(
    r"(?i)(production|prod|environment|\benv\b|debug|development|testing|is_dev|is_local|stage)"
)


@RULE.on_python(ast.Call, calls=["create_async_engine", "create_engine"], skip_file=in_test_file)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = (ctx.call_name(node) or "").split(".")[-1]
    if name not in {"create_engine", "create_async_engine"} or ctx.is_test_file:
        return
    poolclass = pyast.keyword(node, "poolclass")
    if poolclass is None or "NullPool" not in ast.unparse(poolclass.value):
        return
    ctx.examine(RULE)
    if any(pyast.keyword(node, k) is not None for k in ("pool_size", "max_overflow")):
        yield RULE.hit(node, "NullPool with pool_size/max_overflow: the engine fails at start-up")
        return
    for anc in pyast.ancestors(node):
        if isinstance(anc, ast.If | ast.IfExp) and ENV_TEST.search(ast.unparse(anc.test)):
            yield RULE.hit(
                node, f"NullPool chosen by `{ast.unparse(anc.test)}`: a defaulted flag turns pooling off"
            )
            return
        if isinstance(anc, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module):
            break
    if isinstance(poolclass.value, ast.IfExp) and ENV_TEST.search(ast.unparse(poolclass.value.test)):
        yield RULE.hit(node, "poolclass chosen by an environment flag: a defaulted flag turns pooling off")
