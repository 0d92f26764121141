"""Go database pool left at its defaults.

## What it does
Flags `sql.Open` / `sqlx.Open` / `sqlx.Connect` / `gorm.Open` (v1 `jinzhu/gorm` and v2 `gorm.io/gorm`,
whose pool is `db.DB()`) / ozzo-dbx `dbx.Open` / `dbx.MustOpen` in a file that never calls
`SetMaxOpenConns` on the pool (reported at `SetMaxIdleConns` when that is the only setting), pools
that set sizes but never `SetConnMaxLifetime` / `SetConnMaxIdleTime` (reported at
`SetMaxOpenConns`), and `pgxpool.New` / `NewWithConfig` with no `MaxConns` (nor `pool_max_conns` in
the file).

## Why it matters in production
database/sql opens as many connections as there are concurrent queries: a traffic spike (or a slow
query) opens hundreds, and the database answers "too many connections" to every service sharing it.
Without a lifetime, connections that the server, a proxy or a NAT silently closed after
`wait_timeout` are handed out again and fail with "bad connection" / "broken pipe". pgxpool has the
opposite default: at most 4 connections (or one per CPU), so under load requests queue for a
connection while the database sits idle.

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

OPENERS = {
    "sql.Open", "sqlx.Open", "sqlx.Connect", "sqlx.MustConnect", "sqlx.MustOpen", "gorm.Open", "dbx.Open", "dbx.MustOpen",
}
NETWORK_DRIVER = re.compile(r"(?i)mysql|postgres|lib/pq|jackc/pgx|sqlserver|mssql|clickhouse")
PGXPOOL = {"pgxpool.New", "pgxpool.NewWithConfig", "pgxpool.Connect", "pgxpool.ConnectConfig"}


def _method(call: Any) -> str:
    return (go.selector_parts(call.child_by_field_name("function")) or ("", ""))[1]


@RULE.on_tree("source_file", languages=(Language.GO,), skip_file=in_test_code)
def check(root: Any, ctx: TreeContext) -> Iterator[Hit]:
    if non_production(ctx.path, ctx.is_test_file) or re.search(r"(?i)migrat|seed|/tools?/|example", ctx.path):
        return
    # A callee in OPENERS or PGXPOOL is that text of the file: without one, nothing below is found.
    if not any(opener in ctx.text for opener in OPENERS) and "pgxpool." not in ctx.text:
        return
    calls = list(descendants(root, "call_expression"))
    opens = [c for c in calls if go.callee(c) in OPENERS and go.callee(c).split(".")[0] in ctx.imports]
    pools = [c for c in calls if go.callee(c) in PGXPOOL and ctx.imports.get("pgxpool", "").startswith("github.com/jackc/pgx")]
    if pools:
        ctx.examine(RULE)
        if not re.search(r"\.MaxConns\b|pool_max_conns", ctx.text):
            call = pools[0]
            yield RULE.hit(
                call,
                f"{go.callee(call)}() pool size left at pgx's default (4 or the CPU count): requests queue for a connection under load",
            )
    if not opens:
        return
    ctx.examine(RULE)
    names = {_method(c) for c in calls}
    if "SetMaxOpenConns" not in names:
        idle = next((c for c in calls if _method(c) == "SetMaxIdleConns"), None)
        if idle is not None:
            yield RULE.hit(
                idle, "pool sets only SetMaxIdleConns: no SetMaxOpenConns/SetConnMaxLifetime, connections are unbounded"
            )
            return
        for call in opens:  # each pool this file opens (one finding, every place)
            yield RULE.hit(
                call, f"{go.callee(call)}() pool has no SetMaxOpenConns/SetConnMaxLifetime: connections are unbounded"
            )
        return
    if names & {"SetConnMaxLifetime", "SetConnMaxIdleTime"}:
        return
    if re.search(r"(?i)sqlite", ctx.text) and not NETWORK_DRIVER.search(ctx.text):
        return  # a SQLite file never drops the connection (a service that also speaks MySQL/Postgres does)
    sizing = next(c for c in calls if _method(c) == "SetMaxOpenConns")
    yield RULE.hit(sizing, "pool sized but no SetConnMaxLifetime: connections the server closed are reused and fail")
