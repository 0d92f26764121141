"""Go start-up connection that exits on the first failure.

## What it does
Flags the connection check made while a Go service starts — `db.Ping()` / `PingContext`, `gorm.Open`, ozzo-dbx `dbx.MustOpen`,
`sqlx.Connect`, `pgx.Connect`, `pgxpool.New`/`Connect`, `mongo.Connect`, `amqp.Dial`, `nats.Connect`,
`client.Ping(ctx)` on Redis — when a failure goes straight to `log.Fatal`/`panic`/`os.Exit` and the
call is not inside a retry loop (no `for`, no retry/backoff helper in the function).

## Why it matters in production
On deploy, after a failover or when the whole stack (docker compose, a pod with a sidecar) starts at
once, the database is often seconds behind the application. One attempt means a crash, a restart
loop and a failed deploy for a transient reason.

## Example
```go
db, err := sql.Open("mysql", dsn)
if err = db.Ping(); err != nil {
    log.Fatal(err)
}
```

## Use instead
```go
for attempt := 1; ; attempt++ {
    if err = db.PingContext(ctx); err == nil {
        break
    }
    if attempt == 10 {
        log.Fatalf("database not reachable: %v", err)
    }
    time.Sleep(time.Duration(attempt) * time.Second)
}
```

## Known limitations
Retry done by the orchestrator (restart policy with backoff) is not visible; `depends_on` with a
health condition in compose reduces but does not remove the need.

## References
- https://learn.microsoft.com/en-us/azure/architecture/patterns/retry
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import ancestors, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import following_statements, in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RT-003",
    name="startup-connection-without-retry",
    aliases=("PR-RT-201", "go-startup-connection-without-retry"),
    category=Category.RETRIES,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Retry the first connection with backoff (bounded attempts or a deadline) before giving up.",
    references=("https://learn.microsoft.com/en-us/azure/architecture/patterns/retry",),
)

CONNECTS = lazy_compile(
    r"^(gorm\.Open|dbx\.MustOpen|sqlx\.(Connect|MustConnect)|pgx\.Connect|pgxpool\.(New|NewWithConfig|Connect|ConnectConfig)|"
    r"mongo\.Connect|amqp\.Dial\w*|nats\.Connect|zdb\.Connect|[\w.]+\.(Ping|PingContext))$"
)
FATAL = lazy_compile(r"(log\.Fatal|\.Fatal\w*\(|panic\(|os\.Exit|\b\w*(And|[a-z])Exit\w*\()")
RETURNS_ERROR = lazy_compile(r"\breturn\b[^\n]*\b(err|fmt\.Errorf\(|errors\.\w+\()")
RETRY = lazy_compile(r"(?i)(retry|retries|backoff|attempt)")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: ("Open" in c or "Connect" in c or "New" in c or "Dial" in c or "Ping" in c) and CONNECTS.match(c), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if not CONNECTS.match(name) or non_production(ctx.path, ctx.is_test_file):
        return
    if name.endswith(("Ping", "PingContext")) and re.search(r"(?i)(pinger|health|check|status)", name):
        return
    func = go.enclosing_top_function(node)
    if func is None:
        return
    func_name = go.function_name(func)
    if not re.fullmatch(r"(?i)(main|init|setup\w*|new\w*|open\w*|connect\w*|init\w*|must\w*|run|start\w*|parse|cmd\w*|boot\w*)", func_name):
        return
    if any(a.type == "for_statement" for a in ancestors(node)) or RETRY.search(text(func)):
        return
    stmt = next((a for a in ancestors(node) if a.type in {
        "short_var_declaration", "assignment_statement", "if_statement", "expression_statement", "return_statement",
    }), None)
    if stmt is None:
        return
    if stmt.type == "return_statement":
        # `return s.client.Ping(ctx).Err()` in Init(): one attempt, its error handed to the caller
        if func_name != "main" and name.endswith(("Ping", "PingContext")):
            ctx.examine(RULE)
            yield RULE.hit(node, f"{name}() is tried once in {func_name}() and the error handed to the caller: no retry while the dependency comes up")
        return
    if stmt.parent is not None and stmt.parent.type == "if_statement" and stmt.type != "if_statement":
        stmt = stmt.parent  # `if err := db.Ping(); err != nil {...}`: the initializer of the if
    if stmt.type == "if_statement":
        handling = text(field(stmt, "consequence"))
    else:
        after = following_statements(stmt)
        handling = text(after[0]) if after and after[0].type == "if_statement" else ""
    ctx.examine(RULE)
    if FATAL.search(handling) or FATAL.search(text(stmt)):
        yield RULE.hit(node, f"{name}() is tried once at start-up and the process exits on failure: no retry while the dependency comes up")
    elif func_name != "main" and name.endswith(("Ping", "PingContext")) and RETURNS_ERROR.search(handling):
        # A constructor that pings once and hands the error up: its caller at start-up fails the
        # same way (the retry, when there is one, lives in this function or the file).
        yield RULE.hit(node, f"{name}() is tried once in {func_name}() and the error handed to the caller: no retry while the dependency comes up")
