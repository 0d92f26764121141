"""Go prepared statement never closed.

## What it does
Flags `stmt, err := db.Prepare(...)` / `PrepareContext` / `Preparex` (also through a lower-case
wrapper such as `database.prepare(q)`) when the function never calls `stmt.Close()` and neither
returns the statement nor stores it for later use.

## Why it matters in production
Each `*sql.Stmt` holds a server-side prepared statement on every pooled connection it ran on, until
it is closed. Preparing per request without closing grows them without bound: MySQL fails with
"Can't create more than max_prepared_stmt_count statements", Postgres backends grow in memory.

## Example
```go
stmt, err := m.Conn.PrepareContext(ctx, "DELETE FROM article WHERE id = ?")
if err != nil {
    return err
}
_, err = stmt.ExecContext(ctx, id)
```

## Use instead
```go
stmt, err := m.Conn.PrepareContext(ctx, "DELETE FROM article WHERE id = ?")
if err != nil {
    return err
}
defer stmt.Close()
```
Or skip the prepare and call `m.Conn.ExecContext(ctx, query, id)`.

Statements prepared on a transaction (`tx.Prepare`) are skipped: the transaction closes them.

## Known limitations
A statement closed by a helper it is passed to counts as handled.

## References
- https://pkg.go.dev/database/sql#Stmt.Close
- https://go.dev/doc/database/prepared-statements
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules._go_results import local_from_method
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RL-203",
    name="go-stmt-not-closed",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="`defer stmt.Close()` right after the error check, or run the query directly without Prepare.",
    references=("https://pkg.go.dev/database/sql#Stmt.Close",),
)

PREPARE = {"Prepare", "PrepareContext", "Preparex", "PreparexContext", "PrepareNamed", "PrepareNamedContext", "prepare"}
_PREPARE_METHODS = tuple(sorted(PREPARE))  # the callee of `x.Prepare(...)` ends with the method


@RULE.on_tree("short_var_declaration", "assignment_statement", languages=(Language.GO,), callee=lambda c: c.endswith(_PREPARE_METHODS), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    found = local_from_method(node, PREPARE)
    if found is None or non_production(ctx.path, ctx.is_test_file):
        return  # not a Prepare, or stored into a field (s.insertStmt = ...): closed with its owner
    stmt, call, parts = found
    func = go.enclosing_function(node)
    if func is None:
        return
    body = text(func)
    owner = parts[0]
    if re.search(r"(?i)(^|\.)(tx|txn|trans\w*)$", owner) or re.search(
        rf"\b{re.escape(owner)}\s*(,\s*\w+)?\s*:?=\s*[\w.]*\.Begin\w*\(|\b{re.escape(owner)}\s+\*(sql|sqlx)\.Tx\b", body
    ):
        return  # prepared on a transaction: closed when it commits or rolls back
    ctx.examine(RULE)
    name = re.escape(stmt)
    if re.search(rf"\b{name}\.Close\(\)", body) or re.search(rf"\breturn\s+{name}\b", body):
        return
    result = field(func, "result")
    if result is not None and re.search(rf"\b{name}\b", text(result)):
        return  # named result handed to the caller
    if re.search(rf"[\w.\]]+\s*(=|:)\s*&?{name}\s*[,}}\n]", body.replace(text(node), "")):
        return  # stored in a struct or map for reuse
    if re.search(rf"\bappend\([^)]*\b{name}\b", body):
        return
    yield RULE.hit(call, f"prepared statement `{stmt}` from {parts[1]}() is never closed: server-side statements pile up")
