"""Go context cancel function never called.

## What it does
Flags `ctx, cancel := context.WithTimeout/WithCancel/WithDeadline(...)` where the cancel function
is discarded (`_`) or never called or deferred in the function (the `go vet` lostcancel check).

## Why it matters in production
Until it is cancelled, the context's timer and goroutine bookkeeping stay alive; in a hot path this
leaks memory and goroutines, and downstream work that should stop keeps running.

## Example
```go
ctx, _ := context.WithTimeout(r.Context(), 5*time.Second)
```

## Use instead
```go
ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
defer cancel()
```

## Known limitations
A cancel function returned to the caller is treated as used.

## References
- https://pkg.go.dev/context#WithCancel
- https://pkg.go.dev/golang.org/x/tools/go/analysis/passes/lostcancel
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RL-202",
    name="go-context-cancel-not-called",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Keep the cancel function and defer cancel() immediately.",
    references=("https://pkg.go.dev/context#WithCancel",),
)

CONTEXT_FUNCS = {
    "context.WithTimeout",
    "context.WithCancel",
    "context.WithDeadline",
    "context.WithCancelCause",
}


def _no_context_func(ctx: TreeContext) -> bool:
    """skip_file=: no CONTEXT_FUNCS call in the file (the callee's text is a piece of it)."""
    return not any(func in ctx.text for func in CONTEXT_FUNCS)


@RULE.on_tree("short_var_declaration", "assignment_statement", languages=(Language.GO,), callee=CONTEXT_FUNCS.__contains__,
              skip_file=_no_context_func)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    right, left = field(node, "right"), field(node, "left")
    if right is None or left is None or len(left.named_children) < 2 or not right.named_children:
        return
    call = right.named_children[0]
    if call.type != "call_expression" or go.callee(call) not in CONTEXT_FUNCS:
        return
    ctx.examine(RULE)
    cancel = text(left.named_children[1])
    if cancel == "_":
        yield RULE.hit(
            node, f"{go.callee(call)} cancel function discarded: the context leaks until its parent ends"
        )
        return
    func = go.enclosing_function(node)
    body = text(func) if func is not None else ""
    uses = len(re.findall(rf"\b{re.escape(cancel)}\b", body))
    if uses <= 1:
        yield RULE.hit(node, f"`{cancel}` is never called: the context leaks until its parent ends")
