"""Go redigo connection dialled without timeouts.

## What it does
Flags redigo `redis.Dial(network, addr, ...)` and `redis.DialURL(url, ...)` (github.com/gomodule/redigo
and garyburd/redigo) without `redis.DialReadTimeout`, `redis.DialWriteTimeout` or
`redis.DialConnectTimeout` options. (go-redis clients have default timeouts and are not flagged.)

## Why it matters in production
redigo's defaults are no read or write deadline: a Redis that stalls (failover, full network
buffer, a long `KEYS *`) blocks every goroutine waiting on a pooled connection forever, and the pool
drains until the service stops answering — a cache outage becomes a full outage.

## Example
```go
c, err := redis.Dial("tcp", cfg.Host)
```

## Use instead
```go
c, err := redis.Dial("tcp", cfg.Host,
    redis.DialConnectTimeout(2*time.Second),
    redis.DialReadTimeout(time.Second),
    redis.DialWriteTimeout(time.Second))
```

## Known limitations
Options assembled in a slice elsewhere (`redis.Dial("tcp", addr, opts...)`) are trusted, unless they come
from a helper of the same file that sets no timeout (`redis.Dial("tcp", addr, dialOptions(cfg)...)`).

## References
- https://pkg.go.dev/github.com/gomodule/redigo/redis#DialReadTimeout
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-204",
    name="go-redigo-dial-without-timeout",
    category=Category.TIMEOUTS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Pass redis.DialConnectTimeout, redis.DialReadTimeout and redis.DialWriteTimeout to Dial.",
    references=("https://pkg.go.dev/github.com/gomodule/redigo/redis#DialReadTimeout",),
)


DIALS = frozenset({"Dial", "DialURL", "DialContext"})


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c.partition(".")[2] in DIALS, skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    package, _, function = name.partition(".")
    if function not in DIALS:
        return
    # the package may be imported under another name (redigo "github.com/gomodule/redigo/redis")
    if not ctx.imports.get(package, "").endswith("redigo/redis") or non_production(ctx.path, ctx.is_test_file):
        return
    ctx.examine(RULE)
    args = text(node)
    if "Timeout" in args:
        return
    if "..." in args:
        # `redis.Dial("tcp", addr, dialOptions(cfg)...)`: judged when that helper is in this file
        helper = re.search(r"(\w+)\([^()]*\)\.\.\.\s*\)$", args)
        body = _function_body(ctx.text, helper.group(1)) if helper else None
        if body is None or "Timeout" in body:
            return
    yield RULE.hit(node, f"{name}() without read/write/connect timeouts: a stalled Redis blocks callers forever")


def _function_body(source: str, name: str) -> str | None:
    found = re.search(rf"\nfunc (\([^)]*\)\s*)?{re.escape(name)}\(.*?(?=\nfunc |\Z)", source, re.S)
    return found.group(0) if found else None
