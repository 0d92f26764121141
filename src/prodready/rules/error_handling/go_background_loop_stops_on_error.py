"""Background loop that stops for good on its first error

## What it does
Flags a goroutine started from a function literal (`go func() { for { ... } }()`) whose endless
loop waits between rounds (`time.Sleep`, a ticker, `time.After`) and leaves with a bare `return`
when a round fails (`if err != nil { log...; return }`).

## Why it matters in production
The loop is a periodic job: a cleanup, a refresh, a poller. One transient failure (the database
restarting, a network blip) ends the goroutine, and nothing restarts it. The job silently stops
until the next deploy: tables it prunes grow, caches it refreshes go stale, and the only trace is
one log line from days ago.

## Example
```go
go func() {
    for {
        if _, err := db.Exec(`DELETE FROM sessions WHERE expires < now()`); err != nil {
            log.Printf("session cleanup: %v", err)
            return
        }
        time.Sleep(time.Hour)
    }
}()
```

## Use instead
```go
go func() {
    for {
        if _, err := db.Exec(`DELETE FROM sessions WHERE expires < now()`); err != nil {
            log.Printf("session cleanup: %v", err)  // and try again next round
        }
        time.Sleep(time.Hour)
    }
}()
```

## Known limitations
Only goroutines started from a function literal are read; a loop in a named function started with
`go cleanup()` is not. A `return` meant to end the job (a closed channel, a cancelled context) is
not confused with one after an error: only `if err != nil` branches are read. Goroutines that
serve one request, and loops driven by a context's `Done()`, are left alone.

## References
- https://go.dev/doc/effective_go#goroutines
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-213",
    name="background-loop-stops-on-error",
    aliases=("go-background-loop-stops-on-error",),
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Log the error and continue to the next round (with a backoff if it repeats) instead of returning from the goroutine.",
    references=("https://go.dev/doc/effective_go#goroutines",),
)

WAITS = lazy_compile(r"\btime\.Sleep\(|<-\s*[\w.]*\.C\b|<-\s*time\.After\(|\bcase\s+<-\s*[\w.]*\.C\s*:")
PER_REQUEST = lazy_compile(r"\*http\.Request|http\.ResponseWriter|echo\.Context|\*gin\.Context|\*fiber\.Ctx")
ERROR_CHECK = lazy_compile(r"^\s*(?:[\w, ]+:?=\s*[^;]+;\s*)?err\s*!=\s*nil\s*$")


def _statements(block: Any) -> list[Any]:
    """A block's statements (tree-sitter-go wraps them in a statement_list)."""
    children = [child for child in block.named_children if child.type != "comment"]
    if len(children) == 1 and children[0].type == "statement_list":
        return [child for child in children[0].named_children if child.type != "comment"]
    return children


def _endless_loop(body: Any) -> Any | None:
    for statement in _statements(body):
        if statement.type == "for_statement" and not any(
            child.type in {"range_clause", "for_clause", "binary_expression", "call_expression", "identifier", "unary_expression"}
            for child in statement.named_children
        ):
            return statement
    return None


def _bare_return_on_error(loop_body: Any) -> Any | None:
    for statement in descendants(loop_body):
        if statement.type != "if_statement" or _nested_in_literal(statement, loop_body):
            continue  # (a return inside a callback ends the callback, not the loop)
        condition = field(statement, "condition")
        initializer = field(statement, "initializer")
        check = (text(initializer) + "; " if initializer is not None else "") + (text(condition) if condition is not None else "")
        if not ERROR_CHECK.match(check):
            continue
        consequence = field(statement, "consequence")
        statements = _statements(consequence) if consequence is not None else []
        if not statements:
            continue
        last = statements[-1]
        if last.type == "return_statement" and not last.named_children:
            return last
    return None


@RULE.on_tree("go_statement", languages=(Language.GO,), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if in_test_code(ctx):
        return
    call = node.named_children[0] if node.named_children else None
    literal = field(call, "function") if call is not None and call.type == "call_expression" else None
    if literal is None or literal.type != "func_literal":
        return
    body = field(literal, "body")
    loop = _endless_loop(body) if body is not None else None
    if loop is None:
        return
    loop_body = field(loop, "body")
    if loop_body is None:
        return
    source = text(loop_body)
    if not WAITS.search(source) or ".Done()" in source:
        return  # no period, or a context-driven worker whose owner decides when it ends
    outer = go.enclosing_top_function(node)
    parameters = field(outer, "parameters") if outer is not None else None
    if parameters is not None and PER_REQUEST.search(text(parameters)):
        return  # a goroutine serving one request (a stream, a heartbeat) ends with that request
    ctx.examine(RULE)
    stop = _bare_return_on_error(loop_body)
    if stop is None:
        return
    yield Hit(
        line=stop.start_point[0] + 1,
        message="this periodic goroutine returns on its first error: one transient failure stops the job for good "
        "and nothing restarts it",
        related=((loop.start_point[0] + 1, "the loop that was meant to run forever"),),
    )


def _nested_in_literal(node: Any, stop_at: Any) -> bool:
    parent = node.parent
    while parent is not None and parent.id != stop_at.id:
        if parent.type == "func_literal":
            return True
        parent = parent.parent
    return False



