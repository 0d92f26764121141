"""Connection pool without pre-ping or recycle.

## What it does
Flags SQLAlchemy `create_engine`/`create_async_engine` for networked databases without
`pool_pre_ping=True` and without `pool_recycle`.

## Why it matters in production
Pooled connections die silently: database restarts and failovers, idle timeouts in PgBouncer,
load balancers and firewalls. The next request that checks out a dead connection fails with
"server closed the connection unexpectedly" — after every database maintenance, a burst of 500s.

## Example
```python
engine = create_engine(DATABASE_URL, pool_size=10)
```

## Use instead
```python
engine = create_engine(DATABASE_URL, pool_size=10, pool_pre_ping=True, pool_recycle=1800)
```

## Known limitations
Engines configured from a dict of keyword arguments are not inspected.

## References
- https://docs.sqlalchemy.org/en/20/core/pooling.html#disconnect-handling-pessimistic
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
    id="PR-DB-001",
    name="engine-without-pre-ping",
    category=Category.DATABASE,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Pass pool_pre_ping=True (and pool_recycle below the server/proxy idle timeout).",
    references=("https://docs.sqlalchemy.org/en/20/core/pooling.html#disconnect-handling-pessimistic",),
)

ENGINES = {
    "sqlalchemy.create_engine",
    "sqlalchemy.engine.create_engine",
    "sqlalchemy.ext.asyncio.create_async_engine",
    "sqlmodel.create_engine",
}


@RULE.on_python(ast.Call, calls=["create_async_engine", "create_engine"], skip_file=in_test_file)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.call_name(node) not in ENGINES or ctx.is_test_file:
        return
    url = pyast.const_str(node.args[0]) if node.args else None
    if (url or "").startswith("sqlite") or pyast.has_splat(node):
        return
    poolclass = pyast.keyword(node, "poolclass")
    if poolclass is not None and "NullPool" in (pyast.dotted(poolclass.value) or ""):
        return
    ctx.examine(RULE)
    pre_ping = pyast.keyword(node, "pool_pre_ping")
    if pyast.keyword(node, "pool_recycle") is None and not (
        pre_ping is not None
        and not (isinstance(pre_ping.value, ast.Constant) and pre_ping.value.value is False)
    ):
        yield RULE.hit(
            node, "engine without pool_pre_ping/pool_recycle: dead pooled connections fail requests"
        )


NOT_PRODUCTION_CLASS = lazy_compile(r"(?i)test|dev|local|debug")


FLASK_SQLALCHEMY_KEYS = lazy_compile(r"\bSQLALCHEMY_(TRACK_MODIFICATIONS|RECORD_QUERIES|BINDS)\b")


def _flask_settings_module(ctx: PyContext) -> bool:
    """`config/settings.py` loaded by `app.config.from_object(...)`: upper-case Flask-SQLAlchemy keys at
    module level, and no engine built in the file."""
    return "create_engine" not in ctx.text and bool(FLASK_SQLALCHEMY_KEYS.search(ctx.text))


@RULE.on_python(ast.Assign, ast.AnnAssign, skip_file=in_test_file)
def check_flask_sqlalchemy(node: ast.Assign | ast.AnnAssign, ctx: PyContext) -> Iterator[Hit]:
    """Flask-SQLAlchemy builds the engine itself: its options come from SQLALCHEMY_ENGINE_OPTIONS."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names = [pyast.dotted(t) or (pyast.const_str(t.slice) if isinstance(t, ast.Subscript) else "") or "" for t in targets]
    if not any(n.split(".")[-1] == "SQLALCHEMY_DATABASE_URI" for n in names) or ctx.is_test_file:
        return
    if "SQLALCHEMY_ENGINE_OPTIONS" in ctx.text or "pool_pre_ping" in ctx.text:
        return
    literal = pyast.const_str(node.value) if node.value is not None else None
    if literal is not None and literal.startswith("sqlite"):
        return
    owner = pyast.enclosing_class(node)
    via_config = any(isinstance(t, ast.Subscript) and (pyast.dotted(t.value) or "").endswith("config") for t in targets)
    if owner is None and not via_config and not _flask_settings_module(ctx):
        return  # a module constant handed to create_engine(): the engine call is judged instead
    if owner is not None and (
        NOT_PRODUCTION_CLASS.search(owner.name) or any("Settings" in ast.unparse(b) or "BaseModel" in ast.unparse(b) for b in owner.bases)
    ):
        return
    ctx.examine(RULE)
    yield RULE.hit(
        node,
        "Flask-SQLAlchemy engine with no SQLALCHEMY_ENGINE_OPTIONS (pool_pre_ping/pool_recycle): "
        "connections the database or a proxy dropped fail the next request",
    )
