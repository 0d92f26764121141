"""Go `defer` inside a loop

## What it does
Flags a `defer` statement written directly in the body of a `for` loop (not inside a function
literal called per iteration) in service code: `for _, f := range files { r, _ := open(f); defer
r.Close() }`.

## Why it matters in production
Deferred calls run when the function returns, not at the end of the iteration. Every file, response
body, lock or connection the loop opens stays held until the whole loop is done: a request that zips
a thousand files keeps a thousand descriptors open, and a long or endless loop (a worker, a stream)
never releases any of them.

## Example
```go
for _, name := range names {
    reader, err := storage.Get(ctx, name)
    if err != nil {
        return err
    }
    defer reader.Close()
    io.Copy(zw, reader)
}
```

## Use instead
```go
for _, name := range names {
    if err := addFile(ctx, zw, name); err != nil {   // the defer runs when addFile returns
        return err
    }
}
```
or close explicitly at the end of each iteration.

## Known limitations
A loop that runs a bounded, small number of times (two or three fixed items) is reported too.

## References
- https://go.dev/ref/spec#Defer_statements
- https://go-critic.com/overview.html#deferinloop
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang.treesitter import text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RL-207",
    name="go-defer-in-loop",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Move the loop body into a function (the defer then runs per iteration) or close the resource at the end of each iteration.",
    references=("https://go.dev/ref/spec#Defer_statements",),
)

SCOPES = {"func_literal", "function_declaration", "method_declaration"}


def _skip(ctx: TreeContext) -> bool:
    return in_test_code(ctx) or "defer" not in ctx.text or "for " not in ctx.text


@RULE.on_tree("defer_statement", languages=(Language.GO,), skip_file=_skip)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx) or non_production(ctx.path, ctx.is_test_file):
        return
    loop = None
    parent = node.parent
    while parent is not None and parent.type not in SCOPES:
        if parent.type == "for_statement":
            loop = parent
            break
        parent = parent.parent
    if loop is None:
        return
    ctx.examine(RULE)
    later = node.next_named_sibling
    while later is not None:
        if later.type == "return_statement" or "os.Exit(" in text(later):
            return  # this pass of the loop ends the function: the defer runs right after
        later = later.next_named_sibling
    deferred = text(node).removeprefix("defer").strip()
    yield RULE.hit(
        node,
        f"`defer {deferred[:50]}` runs when the function returns, not per iteration of the loop at line "
        f"{loop.start_point[0] + 1}: everything the loop opens stays held until it ends",
    )
