"""Go `rows.Next()` loop without a `rows.Err()` check.

## What it does
Flags a `for rows.Next() { ... }` loop over query results (database/sql, sqlx, pgx, gorm `Rows()`,
mongo cursors) when the function never calls `rows.Err()` (or `cursor.Err()`) afterwards.

## Why it matters in production
`Next()` returns false both at the end of the result set and when reading the next row failed (a
dropped connection, a timeout, a context cancelled mid-stream). Without `rows.Err()` the function
returns a truncated list as if it were complete: pages silently miss rows, exports are cut short.

## Example
```go
for rows.Next() {
    var t Task
    if err := rows.Scan(&t.ID, &t.Title); err != nil {
        return nil, err
    }
    tasks = append(tasks, t)
}
return tasks, nil
```

## Use instead
```go
for rows.Next() { ... }
if err := rows.Err(); err != nil {
    return nil, fmt.Errorf("list tasks: %w", err)
}
return tasks, nil
```

## Known limitations
A check done by a helper that receives the rows is not seen. Not part of the default audit: select
it (`--select PR-EH-203`, or `select` in the configuration) to run it.

## References
- https://go.dev/doc/database/querying#multiple_rows
- https://pkg.go.dev/database/sql#Rows.Next
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import field, line_of, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import following_statements, in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-203",
    name="go-rows-err-unchecked",
    category=Category.ERROR_HANDLING,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="After the loop, check `if err := rows.Err(); err != nil { return ..., err }`.",
    references=("https://go.dev/doc/database/querying#multiple_rows",),
    # Opt-in (`--select PR-EH-203`): right by the book, but reviewers of real Go services wrote it up
    # for 3 of 91 findings on the dev services; in the default audit it buried the defects they do report.
    default=False,
)

CURSOR_SOURCE = lazy_compile(r"\.(Query\w*|Rows|Find|Aggregate|Watch|Select\w*|Queryx|NamedQuery\w*)\(|\.query\w*\(")


@RULE.on_tree("for_statement", languages=(Language.GO,), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    condition = next((c for c in node.named_children if c.type == "call_expression"), None)
    if condition is None or non_production(ctx.path, ctx.is_test_file):
        return
    parts = go.selector_parts(field(condition, "function"))
    if parts is None or parts[1] != "Next" or not re.fullmatch(r"\w+", parts[0]):
        return
    rows = parts[0]
    func = go.enclosing_function(node)
    body = text(func) if func is not None else ""
    assigned = re.search(rf"\b{re.escape(rows)}\b[\w\s,]*:?=\s*[^\n]*", body)
    is_result = (assigned is not None and CURSOR_SOURCE.search(assigned.group(0))) or re.search(
        rf"\b{re.escape(rows)}\s+(\*sql\.Rows|\*sqlx\.Rows|pgx\.Rows|\*mongo\.Cursor)", body
    )
    if not is_result:
        return
    ctx.examine(RULE)
    if f"{rows}.Err()" in body:
        return
    after = following_statements(node)
    line = line_of(after[0]) if after else int(node.end_point.row) + 1
    yield Hit(line=line, message=f"{rows}.Next() loop ends without checking {rows}.Err(): a failed read looks like the end of the results")
