"""Go transaction without a deferred Rollback

## What it does
Flags a transaction begun in a function (`tx, err := db.BeginTx(ctx, nil)`, `db.Begin()`,
`pool.Begin(ctx)`, sqlx `Beginx`, gorm `tx := db.Begin()`) when that function never defers its
rollback (`defer tx.Rollback()`, or a deferred function that calls it). A transaction returned to
the caller, or stored for a later commit, is left to its owner.

## Why it matters in production
Every path out of the function that is not the commit — an early `return err` someone adds later,
a panic in the callback, a cancelled context — leaves the transaction open: its connection never
goes back to the pool and its row locks stay held. Under load the pool drains and every request
waits for a connection that will not come. `defer tx.Rollback()` is a no-op after a successful
commit, so it costs nothing.

## Example
```go
tx, err := db.BeginTx(ctx, nil)
if err != nil {
    return err
}
if err := fn(tx); err != nil {
    tx.Rollback()
    return err
}
return tx.Commit()
```

## Use instead
```go
tx, err := db.BeginTx(ctx, nil)
if err != nil {
    return err
}
defer tx.Rollback() // no-op once committed
if err := fn(tx); err != nil {
    return err
}
return tx.Commit()
```

## Known limitations
A rollback done by a helper the transaction is passed to (`defer rollback(tx)`) counts when the
deferred call names the transaction.

## References
- https://go.dev/doc/database/execute-transactions
- https://pkg.go.dev/database/sql#Tx.Rollback
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import takewhile
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import ancestors, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules._go_results import local_from_method
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RL-204",
    name="go-tx-without-deferred-rollback",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="`defer tx.Rollback()` right after the Begin error check; it is a no-op after Commit.",
    references=("https://go.dev/doc/database/execute-transactions",),
    default=False,
)

TX_NAME = lazy_compile(r"(?i)^(tx|txn|trans\w*|\w*tx)$")
DB_OWNER = lazy_compile(r"(?i)(db|database|conn|pool|gorm|sql|store|session|client)")


BEGIN = {"Begin", "BeginTx", "Beginx", "BeginTxx", "MustBegin", "MustBeginTx"}
_BEGIN_METHODS = tuple(sorted(BEGIN))


@RULE.on_tree("short_var_declaration", "assignment_statement", languages=(Language.GO,),
              callee=lambda c: c.endswith(_BEGIN_METHODS), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    found = local_from_method(node, BEGIN)
    if found is None or non_production(ctx.path, ctx.is_test_file):
        return  # not a Begin, or stored into a field: committed or rolled back by its owner
    tx, call, parts = found
    if not (TX_NAME.match(tx) or DB_OWNER.search(parts[0])):
        return  # `beginning, rec := stats.Begin(w)`: not a database transaction
    enclosing = takewhile(lambda a: a.type not in {"function_declaration", "method_declaration", "func_literal"}, ancestors(node))
    if any(a.type == "for_statement" for a in enclosing):
        return  # one transaction per iteration: a defer would wait for the whole loop
    func = go.enclosing_function(node)
    if func is None:
        return
    ctx.examine(RULE)
    body = text(func)
    name = re.escape(tx)
    if re.search(rf"\bdefer\s+{name}\.Rollback\(", body) or re.search(rf"\bdefer\s+[\w.]+\([^)]*\b{name}\b", body):
        return
    for deferred in re.finditer(r"\bdefer\s+func\s*\(", body):
        if re.search(rf"\b{name}\.Rollback\(", body[deferred.end():]):
            return  # defer func() { if p := recover(); p != nil { tx.Rollback(); ... } }()
    if re.search(rf"\breturn\s+{name}\s*(,|$)|:\s*{name}\s*[,}}\n]", body, re.MULTILINE):
        return  # handed to the caller (`return tx, nil`, `return &Tx{Tx: tx, ...}`)
    result = field(func, "result")
    if result is not None and re.search(rf"\b{name}\b", text(result)):
        return
    yield RULE.hit(call, f"transaction `{tx}` from {parts[1]}() has no deferred Rollback: a panic or an early "
                         "return leaves it open, holding its connection and locks")
