"""node-postgres pool or client without a connection timeout (JS/TS).

## What it does
Flags `new Pool(...)` / `new Client(...)` from `pg` whose options set no
`connectionTimeoutMillis`. node-postgres defaults it to 0: wait forever for a connection.

## Why it matters in production
When the database is unreachable, or every pooled connection is busy, each request waits for a
connection with no deadline: requests pile up, memory grows, health checks time out and the
service looks hung instead of failing fast with a 503.

## Example
```js
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
```

## Use instead
```js
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: 20,
  connectionTimeoutMillis: 5_000,
  statement_timeout: 15_000,
});
```

## Known limitations
Options built in another module and passed as a variable are not inspected (not reported).

## References
- https://node-postgres.com/apis/pool
- https://node-postgres.com/apis/client
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-102",
    name="js-pg-pool-without-timeout",
    category=Category.TIMEOUTS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Set connectionTimeoutMillis (and statement_timeout/query_timeout) on the pg Pool or Client.",
    references=("https://node-postgres.com/apis/pool",),
)
PG_MODULES = {"pg", "pg-pool"}


@RULE.on_tree("new_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    constructor = text(field(node, "constructor"))
    kind = constructor.split(".")[-1]
    if kind not in {"Pool", "Client"} or ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    if ctx.imports.get(constructor.split(".")[0], "").split("#")[0] not in PG_MODULES:
        return
    ctx.examine(RULE)
    arguments = js.args(node)
    options = arguments[0] if arguments else None
    if options is not None and options.type != "object":
        return  # options built elsewhere
    if options is None or not js.object_has_key(options, "connectionTimeoutMillis"):
        yield RULE.hit(node, f"pg {kind} without connectionTimeoutMillis: waits forever for a connection")
        return
    if not any(js.object_has_key(options, key) for key in ("statement_timeout", "query_timeout", "idle_in_transaction_session_timeout")):
        # a connection is bounded, the queries on it are not
        yield RULE.hit(node, f"pg {kind} without statement_timeout/query_timeout: a slow query holds its connection forever")
