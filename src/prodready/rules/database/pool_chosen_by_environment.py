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
    if poolclass is None:
        yield from _kwargs_dict(node, ctx)
        return
    if "NullPool" not in ast.unparse(poolclass.value):
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


def _kwargs_dict(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    """`create_async_engine(url, **engine_kwargs)` where the function filled the dict with pool sizes
    and, under an environment test, `engine_kwargs["poolclass"] = NullPool`."""
    spread = next((k.value for k in node.keywords if k.arg is None and isinstance(k.value, ast.Name)), None)
    func = pyast.enclosing_function(node)
    if spread is None or func is None:
        return
    sizes = False
    for sub in ast.walk(func):
        if isinstance(sub, ast.Assign) and any(isinstance(t, ast.Name) and t.id == spread.id for t in sub.targets) \
                and isinstance(sub.value, ast.Dict):
            sizes = sizes or any(pyast.const_str(k) in {"pool_size", "max_overflow"} for k in sub.value.keys if k is not None)
    for sub in ast.walk(func):
        if not (isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(sub.targets[0], ast.Subscript)):
            continue
        target = sub.targets[0]
        if pyast.dotted(target.value) != spread.id or pyast.const_str(target.slice) != "poolclass":
            continue
        if "NullPool" not in ast.unparse(sub.value):
            continue
        ctx.examine(RULE)
        guard = next((a for a in pyast.ancestors(sub) if isinstance(a, ast.If)), None)
        if sizes:
            yield RULE.hit(sub, "NullPool added to engine arguments that also set pool_size/max_overflow: create_engine rejects the mix")
        elif guard is not None and ENV_TEST.search(ast.unparse(guard.test)):
            yield RULE.hit(sub, f"NullPool chosen by `{ast.unparse(guard.test)}`: a defaulted flag turns pooling off")
        return
