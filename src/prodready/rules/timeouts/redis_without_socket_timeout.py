"""Redis client without a socket timeout.

## What it does
Flags Redis clients and connection pools (`redis.Redis`, `Redis.from_url`, `ConnectionPool`,
their `redis.asyncio` twins, `aioredis.from_url`, Flask-Redis `FlaskRedis()`, and the same factories of
valkey-py, the Redis fork's client) created without `socket_timeout`.
`socket_connect_timeout` alone only bounds the connect, not the commands.

## Why it matters in production
Without `socket_timeout` a command waits forever on a stalled connection (failover, network
partition, a blocked Redis). Every request that touches the cache hangs with it, and the pool
drains until the service stops answering.

## Example
```python
pool = ConnectionPool.from_url(REDIS_URL, socket_connect_timeout=5)
```

## Use instead
```python
pool = ConnectionPool.from_url(REDIS_URL, socket_connect_timeout=5, socket_timeout=10,
                               retry_on_timeout=True)
```

## Known limitations
A timeout given in the URL query string is recognised only when the URL is a literal.
A client built on an existing `connection_pool=` is not reported (the pool is).

## References
- https://redis.readthedocs.io/en/stable/connections.html
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import has_keyword, in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-002",
    name="redis-without-socket-timeout",
    category=Category.TIMEOUTS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Pass socket_timeout= (and socket_connect_timeout=) to the Redis client or pool.",
    references=("https://redis.readthedocs.io/en/stable/connections.html",),
)

FACTORIES = {
    f"{prefix}.{name}"
    for prefix in ("redis", "redis.asyncio", "redis.client", "aioredis", "valkey", "valkey.asyncio", "valkey.client")
    for name in (
        "Redis",
        "Valkey",
        "StrictValkey",
        "Valkey.from_url",
        "StrictRedis",
        "Redis.from_url",
        "StrictRedis.from_url",
        "from_url",
        "ConnectionPool",
        "ConnectionPool.from_url",
        "BlockingConnectionPool",
        "BlockingConnectionPool.from_url",
    )
} | {"flask_redis.FlaskRedis"}  # FlaskRedis(**kwargs) hands its keyword options to redis.from_url


@RULE.on_python(
    ast.Call, calls=["BlockingConnectionPool", "ConnectionPool", "Redis", "StrictRedis", "Valkey", "StrictValkey", "from_url", "FlaskRedis"],
    skip_file=in_test_file,
)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    name = ctx.call_name(node)
    if name not in FACTORIES:
        return
    if pyast.keyword(node, "connection_pool") is not None:
        return
    ctx.examine(RULE)
    if has_keyword(node, "socket_timeout"):
        return
    url = pyast.const_str(node.args[0]) if node.args else None
    if url and "socket_timeout" in url:
        return
    shown = name.split("redis.")[-1] if "redis." in name else name
    yield RULE.hit(node, f"{shown}() without socket_timeout: commands can hang forever")
