"""Start-up connection to a database, cache or broker without retry.

## What it does
Flags the first connection made while the service starts — in `init_db()`/`init_redis()`-style
functions, `@app.on_event("startup")` handlers and the start-up half of a `lifespan` — when the call
(`connect`, `ping`, `create_all`, `create_pool`, `execute`, `server_info`, ...) is not inside a retry
loop and the function has no retry decorator (tenacity, backoff).

## Why it matters in production
On deploy, after a failover or when the whole stack restarts, the database is often seconds behind
the application. Without retry the service crashes on its first connection attempt, the orchestrator
restarts it in a loop, and deploys fail for a transient reason. A few attempts with exponential
backoff ride out the gap.

## Example
```python
async def init_db():
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
```

## Use instead
```python
@retry(stop=stop_after_attempt(5), wait=wait_exponential(max=10), retry=retry_if_exception_type(OperationalError))
async def init_db():
    async with engine.begin() as conn:
        await conn.execute(text("SELECT 1"))
```

## Known limitations
Retry done by the orchestrator alone (restart policies) is not counted: it turns a short outage into
a crash loop with cold starts.

## References
- https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
- https://tenacity.readthedocs.io/
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RT-003",
    name="startup-connection-without-retry",
    category=Category.RETRIES,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Retry the start-up connection a bounded number of times with exponential backoff before giving up.",
    references=("https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/",),
)

STARTUP_NAME = lazy_compile(
    r"(?i)^_?(init|initiali[sz]e|setup|connect|start|startup|on_startup|bootstrap|open)_?"
    r"(db|database|redis|cache|mongo|mongodb|broker|rabbit|rabbitmq|kafka|pool|connections?|postgres|storage|clients?)$"
)
CONNECT_CALLS = {
    "connect",
    "ping",
    "create_all",
    "create_pool",
    "execute",
    "server_info",
    "run_sync",
    "initialize",
    "begin",
    "start",
}
RETRY_DECORATORS = ("retry", "on_exception", "backoff", "retrying")
RETRY_CALL = lazy_compile(r"(?i)(retr(y|ies|ying)|backoff|attempts)")


def _is_startup(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if STARTUP_NAME.match(func.name) or func.name == "lifespan":
        return True
    for decorator in func.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "on_event"
        ):
            if decorator.args and pyast.const_str(decorator.args[0]) == "startup":
                return True
    return False


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=is_script_like)
def check(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if not _is_startup(func) or is_script_like(ctx):
        return
    if any(
        (pyast.dotted(d.func if isinstance(d, ast.Call) else d) or "").split(".")[-1] in RETRY_DECORATORS
        for d in func.decorator_list
    ):
        return
    ctx.examine(RULE)
    if any(
        isinstance(node, ast.Call) and RETRY_CALL.search(pyast.dotted(node.func) or "")
        for stmt in func.body
        for node in pyast.walk_shallow(stmt)
    ):
        return  # `await with_retries(probe, attempts=5)`: the connect is handed to a retry helper
    for stmt in func.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield | ast.YieldFrom):
            return  # lifespan: only the start-up half matters
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            continue  # a nested probe runs when (and how often) its caller decides
        for node in [stmt, *pyast.walk_shallow(stmt)]:
            if isinstance(node, ast.For | ast.While | ast.AsyncFor):
                return  # a hand-written retry loop (PR-RT-001 judges its backoff)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in CONNECT_CALLS
            ):
                owner = (pyast.dotted(node.func.value) or "").lower()
                if any(
                    word in owner
                    for word in (
                        "engine",
                        "conn",
                        "db",
                        "redis",
                        "client",
                        "pool",
                        "mongo",
                        "cache",
                        "session",
                        "metadata",
                        "broker",
                    )
                ):
                    hit = RULE.hit(
                        node,
                        f"{func.name}() connects at start-up with no retry: a database that is seconds late crashes the service",
                    )
                    # the start-up function itself is the other place a reviewer points at
                    yield replace(hit, related=((func.lineno, f"{func.name}() tries once"),))
                    return
