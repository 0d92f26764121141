"""Go goroutine per item with no concurrency limit.

## What it does
Flags `g.Go(func() ...)` (errgroup) inside a `for ... range` loop when the group never gets
`g.SetLimit(n)`, and `go func() { ... }()` inside a `range` loop whose body calls a database,
repository or HTTP client, when the function has no semaphore or worker limit.

## Why it matters in production
The number of goroutines — and of simultaneous database connections or outbound requests — grows
with the input: a page of 1,000 items opens 1,000 queries at once, drains the connection pool for
every other request and trips the upstream's rate limits.

## Example
```go
for id := range authorIDs {
    g.Go(func() error { return fetchAuthor(ctx, id) })
}
```

## Use instead
```go
g.SetLimit(8)
for id := range authorIDs {
    g.Go(func() error { return fetchAuthor(ctx, id) })
}
```

## Known limitations
Limits enforced by the callee (a pool size) are not seen; loops over fixed counts and over the
receiver's own fields (configured destinations, registered workers) are not flagged.

## References
- https://pkg.go.dev/golang.org/x/sync/errgroup#Group.SetLimit
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import ancestors, descendants, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-203",
    name="go-unbounded-goroutines-in-loop",
    category=Category.CONCURRENCY,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Bound the fan-out: errgroup SetLimit(n), a buffered-channel semaphore, or a fixed worker pool.",
    references=("https://pkg.go.dev/golang.org/x/sync/errgroup#Group.SetLimit",),
)

LIMITED = lazy_compile(r"SetLimit\(|semaphore|\bsem\b|Semaphore|make\(chan struct\{\}, |workers?\b|pool|Acquire\(|limiter|rate\.")
IO_CALL = lazy_compile(r"(?i)(repo|store|\bdb\b|client|http\.|\.Get\w*\(|Fetch|Query|\.Do\(|Exec|Send|Publish|Call\()")


def _in_range_loop(node: Any, func: Any) -> bool:
    """Inside a `for ... range X` loop, where X is not a field of the receiver (configured, fixed sets)."""
    receiver = go.receiver_name(func) if func.type == "method_declaration" else ""
    for anc in ancestors(node):
        if anc.id == func.id:
            return False
        if anc.type == "for_statement":
            clause = next((c for c in anc.named_children if c.type == "range_clause"), None)
            if clause is None:
                continue
            ranged = text(clause.child_by_field_name("right"))
            return not (receiver and ranged.startswith(receiver + "."))
    return False


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c.endswith("Go"), skip_file=in_test_code)
def check_group(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    parts = go.selector_parts(node.child_by_field_name("function"))
    if parts is None or parts[1] != "Go" or "errgroup" not in " ".join(ctx.imports.values()):
        return
    if non_production(ctx.path, ctx.is_test_file):
        return
    func = go.enclosing_top_function(node)
    if func is None or not _in_range_loop(node, func):
        return
    ctx.examine(RULE)
    if LIMITED.search(text(func)):
        return
    yield RULE.hit(node, f"{parts[0]}.Go() per loop item without {parts[0]}.SetLimit: fan-out grows with the input")


@RULE.on_tree("go_statement", languages=(Language.GO,), skip_file=in_test_code)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if non_production(ctx.path, ctx.is_test_file):
        return
    func = go.enclosing_top_function(node)
    if func is None or not _in_range_loop(node, func):
        return
    body = text(node)
    if not IO_CALL.search(body) or not list(descendants(node, "func_literal")):
        return
    ctx.examine(RULE)
    if LIMITED.search(text(func)):
        return
    yield RULE.hit(node, "a goroutine per loop item doing I/O with no limit: connections and requests grow with the input")
