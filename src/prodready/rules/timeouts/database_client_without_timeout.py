"""Database engine or client without a query timeout.

## What it does
Flags SQLAlchemy `create_engine` / `create_async_engine` calls for networked databases whose
`connect_args` set no statement, command or connect timeout, and MongoDB clients (`MongoClient`,
`AsyncIOMotorClient`) without `serverSelectionTimeoutMS` or `socketTimeoutMS`, and asyncpg pools and
connections without `command_timeout`.

## Why it matters in production
A slow query or a database that stops answering holds the connection and the request forever.
The pool drains, new requests queue behind it, and one bad query becomes an outage.

## Example
```python
engine = create_engine(DATABASE_URL, pool_size=10)
```

## Use instead
```python
engine = create_engine(
    DATABASE_URL,
    pool_pre_ping=True,
    connect_args={"connect_timeout": 5, "options": "-c statement_timeout=30000"},
)
```

## Known limitations
`connect_args` built in a variable are assumed to carry a timeout. Server-side timeouts set on the
database role are not visible in code. SQLite URLs are ignored.

## References
- https://docs.sqlalchemy.org/en/20/core/engines.html#custom-dbapi-connect-arguments-on-connect-routines
- https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT
- https://pymongo.readthedocs.io/en/stable/api/pymongo/mongo_client.html
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like, keyword_value
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-003",
    name="database-client-without-timeout",
    category=Category.TIMEOUTS,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Set a statement/command timeout in connect_args (Postgres: options='-c statement_timeout=...'); "
    "Mongo: serverSelectionTimeoutMS and socketTimeoutMS.",
    references=("https://docs.sqlalchemy.org/en/20/core/engines.html",),
)

ENGINES = {
    "sqlalchemy.create_engine",
    "sqlalchemy.engine.create_engine",
    "sqlalchemy.ext.asyncio.create_async_engine",
    "sqlmodel.create_engine",
}
MONGO = {"pymongo.MongoClient", "motor.motor_asyncio.AsyncIOMotorClient", "motor.MotorClient"}
MONGO_KEYS = ("serverSelectionTimeoutMS", "socketTimeoutMS", "timeoutMS")
# asyncpg: `command_timeout` bounds each query (default: none); `timeout` only the connect.
ASYNCPG = {"asyncpg.create_pool", "asyncpg.connect", "asyncpg.pool.create_pool"}


def _has_timeout_arg(connect_args: ast.AST | None) -> bool:
    if connect_args is None:
        return False
    if not isinstance(connect_args, ast.Dict):
        return True  # built elsewhere: give the benefit of the doubt
    for key, value in zip(connect_args.keys, connect_args.values, strict=False):
        if key is None:
            return True
        text = pyast.const_str(key) or ""
        if "timeout" in text.lower():
            return True
        if text == "options" and "timeout" in (pyast.const_str(value) or "").lower():
            return True
    return False


@RULE.on_python(ast.Call, calls=["AsyncIOMotorClient", "MongoClient", "create_async_engine", "create_engine", "create_pool", "connect"], skip_file=is_script_like)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if is_script_like(ctx):
        return  # migration runners and one-off scripts are bounded by their operator
    name = ctx.call_name(node)
    if name in ENGINES:
        url = pyast.const_str(node.args[0]) if node.args else None
        if url is not None and url.startswith("sqlite"):
            return
        if any("sqlite" in (pyast.dotted(a) or pyast.const_str(a) or "").lower() for a in node.args):
            return
        ctx.examine(RULE)
        if pyast.has_splat(node) or _has_timeout_arg(keyword_value(node, "connect_args")):
            return
        if url is not None and "timeout" in url:
            return
        yield RULE.hit(node, f"{name.split('.')[-1]}() without a statement/connect timeout in connect_args")
    elif name in ASYNCPG:
        ctx.examine(RULE)
        if pyast.has_splat(node) or pyast.keyword(node, "command_timeout"):
            return
        yield RULE.hit(node, f"{name}() without command_timeout: a query that never returns holds its connection forever")
    elif name in MONGO:
        ctx.examine(RULE)
        if pyast.has_splat(node) or any(pyast.keyword(node, k) for k in MONGO_KEYS):
            return
        url = pyast.const_str(node.args[0]) if node.args else None
        if url and any(k in url for k in MONGO_KEYS):
            return
        yield RULE.hit(node, f"{name.split('.')[-1]}() without serverSelectionTimeoutMS/socketTimeoutMS")
