"""Go goroutines append to a shared slice without a lock

## What it does
Flags `x = append(x, ...)` inside a goroutine (`go func() {...}()`, errgroup `g.Go(func() error
{...})`) when `x` belongs to the enclosing function or a struct outside the goroutine and the
goroutine takes no lock. Writing through an index of a pre-sized slice (`results[i] = r`), a
channel, or a mutex-guarded append is left alone.

## Why it matters in production
`append` reads the slice header, may reallocate, and writes the header back. Two goroutines doing
it at once lose elements (a push log or a retry list silently misses entries) or corrupt the slice;
the race detector reports it, production never does. The bug appears only under concurrency, i.e.
under real load.

## Example
```go
for _, token := range tokens {
    wg.Add(1)
    go func(token string) {
        defer wg.Done()
        if err := push(token); err != nil {
            failed = append(failed, token)
        }
    }(token)
}
```

## Use instead
```go
var mu sync.Mutex
go func(token string) {
    defer wg.Done()
    if err := push(token); err != nil {
        mu.Lock()
        failed = append(failed, token)
        mu.Unlock()
    }
}(token)
```

## Known limitations
Only goroutines started from a function literal are read; a named function started with `go f()`
is not followed.

## References
- https://go.dev/ref/mem
- https://go.dev/doc/articles/race_detector
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-204",
    name="go-append-in-goroutine",
    category=Category.CONCURRENCY,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Guard the append with a sync.Mutex, send results over a channel, or write to a pre-sized slice by index.",
    references=("https://go.dev/ref/mem",),
)

APPEND = lazy_compile(r"(?m)^\s*(?P<target>[A-Za-z_][\w.]*)\s*=\s*append\(\s*(?P=target)\s*,")
LOCKED = lazy_compile(r"\.(R?Lock)\(\)|atomic\.")


def _declared_inside(literal: Any, name: str) -> bool:
    root = name.split(".")[0]
    params = field(literal, "parameters")
    if params is not None and re.search(rf"\b{re.escape(root)}\b", text(params)):
        return True
    body = text(field(literal, "body"))
    return bool(re.search(rf"\b{re.escape(root)}\s*:=|\bvar\s+{re.escape(root)}\b|\b{re.escape(root)}\s*,\s*\w+\s*:=|\w+\s*,\s*{re.escape(root)}\s*:=", body))


def _goroutine_literal(node: Any) -> Any | None:
    if node.type == "go_statement":
        call = next((c for c in node.named_children if c.type == "call_expression"), None)
        function = field(call, "function") if call is not None else None
        return function if function is not None and function.type == "func_literal" else None
    args = go.call_args(node)  # errgroup / conc: g.Go(func() error {...})
    return args[0] if len(args) == 1 and args[0].type == "func_literal" else None


@RULE.on_tree("go_statement", languages=(Language.GO,), skip_file=in_test_code)
def check_go_statement(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    yield from _check(node, ctx)


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c.endswith(".Go"), skip_file=in_test_code)
def check_group_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if go.callee(node).endswith(".Go"):
        yield from _check(node, ctx)


def _check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    literal = _goroutine_literal(node)
    if literal is None or in_test_code(ctx):
        return
    body = field(literal, "body")
    source = text(body) if body is not None else ""
    if body is None or "append(" not in source:
        return
    ctx.examine(RULE)
    if LOCKED.search(source):
        return
    for match in APPEND.finditer(source):
        target = match.group("target")
        if _declared_inside(literal, target):
            continue
        line = body.start_point[0] + source[: match.start("target")].count("\n") + 1
        yield Hit(
            line=line,
            message=f"`{target} = append({target}, ...)` runs in concurrent goroutines with no lock: elements are lost or the slice is corrupted (data race)",
            anchor=target,
        )
