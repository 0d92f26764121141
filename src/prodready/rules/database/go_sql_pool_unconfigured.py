"""Go database pool left at its defaults.

## What it does
Flags `sql.Open` / `sqlx.Open` / `sqlx.Connect` / `gorm.Open` in a file that never calls
`SetMaxOpenConns` on the pool, and pools that set sizes but never `SetConnMaxLifetime` /
`SetConnMaxIdleTime` (reported at `SetMaxOpenConns`).

## Why it matters in production
database/sql opens as many connections as there are concurrent queries: a traffic spike (or a slow
query) opens hundreds, and the database answers "too many connections" to every service sharing it.
Without a lifetime, connections that the server, a proxy or a NAT silently closed after
`wait_timeout` are handed out again and fail with "bad connection" / "broken pipe".

## Example
```go
db, err := sql.Open("mysql", dsn)
```

## Use instead
```go
db, err := sql.Open("mysql", dsn)
db.SetMaxOpenConns(cfg.DBMaxOpen)
db.SetMaxIdleConns(cfg.DBMaxIdle)
db.SetConnMaxLifetime(5 * time.Minute)
```

## Known limitations
Pool settings applied in another file than the `Open` call are not seen; migration tools are skipped.

## References
- https://go.dev/doc/database/manage-connections
- https://pkg.go.dev/database/sql#DB.SetMaxOpenConns
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import descendants
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-DB-201",
    name="go-sql-pool-unconfigured",
    category=Category.DATABASE,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Call SetMaxOpenConns, SetMaxIdleConns and SetConnMaxLifetime on the pool, sized from configuration.",
    references=("https://go.dev/doc/database/manage-connections",),
)

OPENERS = {"sql.Open", "sqlx.Open", "sqlx.Connect", "sqlx.MustConnect", "sqlx.MustOpen", "gorm.Open"}


@RULE.on_tree("source_file", languages=(Language.GO,), skip_file=in_test_code)
def check(root: Any, ctx: TreeContext) -> Iterator[Hit]:
    if non_production(ctx.path, ctx.is_test_file) or re.search(r"(?i)migrat|seed|/tools?/|example", ctx.path):
        return
    calls = list(descendants(root, "call_expression"))
    opens = [c for c in calls if go.callee(c) in OPENERS and go.callee(c).split(".")[0] in ctx.imports]
    if not opens:
        return
    ctx.examine(RULE)
    methods = {go.call_parts(c) or ("", "") for c in calls}
    names = {m for _, m in methods}
    if "SetMaxOpenConns" not in names:
        call = opens[0]
        yield RULE.hit(
            call, f"{go.callee(call)}() pool has no SetMaxOpenConns/SetConnMaxLifetime: connections are unbounded"
        )
        return
    if names & {"SetConnMaxLifetime", "SetConnMaxIdleTime"} or re.search(r"(?i)sqlite", ctx.text):
        return
    sizing = next(c for c in calls if (go.call_parts(c) or ("", ""))[1] == "SetMaxOpenConns")
    yield RULE.hit(sizing, "pool sized but no SetConnMaxLifetime: connections the server closed are reused and fail")
