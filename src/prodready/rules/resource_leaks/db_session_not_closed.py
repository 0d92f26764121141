"""Database session opened and never closed.

## What it does
Flags SQLAlchemy sessions created inside a function (`SessionLocal()`, `Session(engine)`,
`sessionmaker(...)()`, `async_session()`) that are not used in a `with` block, not closed
(`close()`), not yielded (FastAPI dependencies) and not returned.

## Why it matters in production
An unclosed session keeps its pooled connection checked out: after `pool_size + max_overflow`
requests the pool is empty and every request waits `pool_timeout` seconds, then fails with
"QueuePool limit reached". Transactions may stay open and hold locks.

## Example
```python
def list_orders():
    db = SessionLocal()
    return db.query(Order).all()
```

## Use instead
```python
def list_orders():
    with SessionLocal() as db:
        return db.query(Order).all()
```

## Known limitations
Session factories are recognised by name (`*Session*`, `*session*` callables) and by `sessionmaker`.

## References
- https://docs.sqlalchemy.org/en/20/orm/session_basics.html#opening-and-closing-a-session
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta
from prodready.rules.resource_leaks._leaks import assigned_local, escapes_or_released, in_with

RULE = RuleMeta(
    id="PR-RL-005",
    name="db-session-not-closed",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Use `with SessionLocal() as db:` (or a yield dependency with try/finally: db.close()).",
    references=("https://docs.sqlalchemy.org/en/20/orm/session_basics.html#opening-and-closing-a-session",),
)

FACTORY = re.compile(
    r"^(SessionLocal|Session|AsyncSession|async_session\w*|session_factory|get_session_factory\(\)|\w*Session(Local|Maker|Factory)?)$"
)


@RULE.on_python(ast.Call)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    callee = pyast.dotted(node.func) or ""
    qualified = ctx.call_name(node) or ""
    if not FACTORY.match(callee.split(".")[-1]) or qualified.startswith(
        ("requests", "httpx", "aiohttp", "boto")
    ):
        return
    if (
        not ctx.imports_module("sqlalchemy", "sqlmodel")
        and "db" not in ctx.path
        and "database" not in ctx.path
    ):
        if not any(v.endswith(("SessionLocal", "async_session", "Session")) for v in ctx.imports.values()):
            return
    func = pyast.enclosing_function(node)
    if func is None or in_with(node) or is_script_like(ctx):
        return
    local = assigned_local(node)
    if local is None or "." in local:
        return
    ctx.examine(RULE)
    if not escapes_or_released(func, local, {"close", "aclose"}):
        yield RULE.hit(
            node,
            f"session `{local}` opened in {func.name}() is never closed: its connection stays checked out",
            anchor=func.name,
        )
