"""Go query result (`rows`) never closed

## What it does
Flags `rows, err := db.Query(...)` (also `QueryContext`, sqlx `Queryx`/`NamedQuery`, a pgx pool's
`Query`) when the function never calls `rows.Close()` and neither returns the rows, hands them to
another function (`pgx.CollectRows(rows, ...)`, `scanUsers(rows)`) nor stores them.

## Why it matters in production
An open result set holds its pooled connection. Iterating to the end releases it, but any early
`return` — a `Scan` error, a `break`, a panic — leaves the connection checked out for good. A few
of those under load and the pool is empty: every request waits for a connection that never comes
back.

## Example
```go
rows, err := s.pool.Query(ctx, `SELECT id, value FROM observations WHERE series_id = $1`, id)
if err != nil {
    return nil, err
}
for rows.Next() {
    if err := rows.Scan(&p.ID, &p.Value); err != nil {
        return nil, err   // rows (and its connection) stay open
    }
}
```

## Use instead
```go
rows, err := s.pool.Query(ctx, query, id)
if err != nil {
    return nil, err
}
defer rows.Close()
```

Queries run on a transaction are left alone: ending the transaction closes its rows.

## Known limitations
Only the function that runs the query is read; rows closed by a helper they are passed to count
as handled.

## References
- https://pkg.go.dev/database/sql#Rows.Close
- https://go.dev/doc/database/querying#multiple_rows
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
    id="PR-RL-205",
    name="go-rows-not-closed",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="`defer rows.Close()` right after the error check.",
    references=("https://pkg.go.dev/database/sql#Rows.Close", "https://go.dev/doc/database/querying#multiple_rows"),
)

QUERY = frozenset({"Query", "QueryContext", "Queryx", "QueryxContext", "NamedQuery", "NamedQueryContext"})
_QUERY_METHODS = tuple(sorted(QUERY))


@RULE.on_tree("short_var_declaration", "assignment_statement", languages=(Language.GO,), callee=lambda c: c.endswith(_QUERY_METHODS), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    left = field(node, "left")
    if left is None or len(left.named_children) != 2 or not text(left.named_children[1]).startswith("err"):
        return  # `q := r.URL.Query()`, `c.Query("page")`: one value, not a result set
    found = local_from_method(node, QUERY)
    if found is None or non_production(ctx.path, ctx.is_test_file):
        return
    rows, call, parts = found
    func = go.enclosing_function(node)
    if func is None:
        return
    owner = parts[0]
    whole = text(func)
    if re.search(r"(?i)(^|\.)(tx|txn|trans\w*)$", owner) or re.search(rf"\b{re.escape(owner)}\s*(,\s*\w+)?\s*:?=\s*[\w.]*\.Begin\w*\(", whole):
        return  # rows of a transaction are closed when it commits or rolls back
    ctx.examine(RULE)
    body = whole.replace(text(node), "")
    name = re.escape(rows)
    if not re.search(rf"\b{name}\.Next\(\)", body):
        return  # a repository's own Query() returning a slice, not a result set
    if re.search(rf"\b{name}\.Close\(\)|\breturn\s+{name}\b|\bgo\s+func", body):
        return
    if re.search(rf"\w\((?:[^()]*,\s*)?&?{name}\s*[,)]", body):
        return  # handed to a helper (pgx.CollectRows(rows, ...), scanAll(rows)) that reads and closes it
    if re.search(rf"[\w.\]]+\s*(=|:)\s*&?{name}\s*[,}}\n]", body):
        return  # stored for a caller
    result = field(func, "result")
    if result is not None and re.search(rf"\b{name}\b", text(result)):
        return
    yield RULE.hit(call, f"`{rows}` from {parts[1]}() is never closed: an early return keeps its pooled connection checked out")
