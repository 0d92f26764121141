"""Operational value hard-coded in application code.

## What it does
Flags connection URLs passed as literals to client constructors (`Celery(broker="redis://redis:6379/0")`,
`create_engine("postgresql://...")`, `Redis.from_url(...)`, `MongoClient(...)`; SQLite files are
fine), and module-level constants in application modules (not settings/config modules) that hold
operational values as literals — timeouts, intervals, TTLs, retry counts, pool and worker sizes,
limits, ports and service URLs (`CALL_TIMEOUT = 120`, `MAX_WORKERS = 8`,
`PRICING_URL = "http://pricing:8080"`) — in a module that reads no configuration at all.

## Why it matters in production
Tuning a timeout or a limit during an incident then needs a code change, a review and a deploy;
different environments cannot differ; and the same value is often copied into several files that
drift apart.

## Example
```python
CALL_TIMEOUT = 120
PRICING_URL = "http://pricing:8080"
```

## Use instead
```python
CALL_TIMEOUT = settings.CALL_TIMEOUT_S          # validated at start-up, documented in .env.example
PRICING_URL = settings.PRICING_URL
```

## Known limitations
Constants that are deliberate protocol or library values are reported when named like
operational settings; suppress with that reason. Modules that read any environment variable or
settings object are skipped (they are probably the configuration layer).

## References
- https://12factor.net/config
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import SERVER_MODULES, imports_any, in_test_file, is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-004",
    name="hardcoded-operational-value",
    category=Category.CONFIGURATION,
    severity=Severity.LOW,
    confidence=Confidence.LOW,
    languages=frozenset({Language.PYTHON}),
    fix="Move the value into validated settings read from the environment, with the current value as default.",
    references=("https://12factor.net/config",),
)

OPERATIONAL = lazy_compile(
    r"^[A-Z][A-Z0-9_]*(TIMEOUT|INTERVAL|TTL|RETRIES|RETRY|ATTEMPTS|POOL_SIZE|WORKERS|CONCURRENCY|MAX_CONNECTIONS|"
    r"RATE_LIMIT|LIMIT|PORT|_URL|_URI|_HOST|_ENDPOINT|DELAY|BACKOFF)(_S|_MS|_SECONDS|_SEC)?$"
)
CONFIG_MODULE = lazy_compile(
    r"(?i)(^|/)(settings|config|conf|configuration|constants|defaults|consts)(\.py$|/)"
)
READS_CONFIG = lazy_compile(r"(getenv|environ|settings|config|Settings|Config)")


@RULE.on_python(ast.Module, skip_file=is_script_like)
def check(tree: ast.Module, ctx: PyContext) -> Iterator[Hit]:
    if is_script_like(ctx) or CONFIG_MODULE.search(ctx.path):
        return
    if not (
        imports_any(ctx, SERVER_MODULES)
        or any(
            p in ctx.path.split("/")
            for p in ("app", "src", "server", "services", "api", "daemon", "worker", "workers")
        )
    ):
        return
    if any(READS_CONFIG.search(value) for value in ctx.imports) or any(
        READS_CONFIG.search(pyast.dotted(n) or "") for n in ctx.nodes_of(ast.Attribute)
    ):
        return
    for stmt in tree.body:
        if not isinstance(stmt, ast.Assign | ast.AnnAssign) or stmt.value is None:
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if not names or not OPERATIONAL.search(names[0]):
            continue
        value = stmt.value
        literal = isinstance(value, ast.Constant) and (
            isinstance(value.value, int | float)
            and not isinstance(value.value, bool)
            or isinstance(value.value, str)
            and re.match(r"^[a-z]+://", value.value)
        )
        if not literal:
            continue
        ctx.examine(RULE)
        yield RULE.hit(stmt, f"`{names[0]}` is hard-coded; it belongs in configuration")


# Client constructors whose connection URL is a deployment decision, with the argument that holds it.
URL_TAKERS: dict[str, tuple[int | str, ...]] = {
    "celery.Celery": ("broker", "backend"),
    "sqlalchemy.create_engine": (0, "url"),
    "sqlalchemy.ext.asyncio.create_async_engine": (0, "url"),
    "redis.Redis.from_url": (0, "url"),
    "redis.from_url": (0, "url"),
    "redis.asyncio.from_url": (0, "url"),
    "redis.asyncio.Redis.from_url": (0, "url"),
    "pymongo.MongoClient": (0, "host"),
    "motor.motor_asyncio.AsyncIOMotorClient": (0, "host"),
    "pika.URLParameters": (0, "url"),
    "databases.Database": (0, "url"),
}
LOCAL_SCHEMES = ("sqlite", "memory", "file")


@RULE.on_python(ast.Call, calls=["Celery", "create_engine", "create_async_engine", "from_url", "MongoClient",
                                 "AsyncIOMotorClient", "URLParameters", "Database"], skip_file=in_test_file)
def check_client_url(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or is_script_like(ctx):
        return
    name = ctx.call_name(node) or ""
    slots = URL_TAKERS.get(name)
    if slots is None:
        return
    ctx.examine(RULE)
    for slot in slots:
        if isinstance(slot, int):
            value = node.args[slot] if len(node.args) > slot else None
        else:
            kw = pyast.keyword(node, slot)
            value = kw.value if kw else None
        url = pyast.const_str(value)
        if not url or not re.match(r"^[a-z][a-z0-9+]*://", url) or url.startswith(LOCAL_SCHEMES):
            continue
        yield RULE.hit(
            node,
            f"{name.rsplit('.', 1)[-1]}() connects to the literal `{_redacted(url)}`: the address cannot be "
            "changed per environment without a code change",
        )
        return


def _redacted(url: str) -> str:
    return re.sub(r"://([^:/@]+):([^@/]+)@", r"://\1:***@", url)
