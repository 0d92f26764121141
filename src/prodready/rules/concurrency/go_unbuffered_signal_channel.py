"""Go signal channel without a buffer

## What it does
Flags `signal.Notify(ch, ...)` when `ch` was made in the same function with `make(chan os.Signal)`
and no capacity.

## Why it matters in production
`signal.Notify` never blocks: a signal that arrives while nobody is receiving on an unbuffered
channel is dropped. A SIGTERM sent while the program is still starting up (or busy between
receives) is lost, the graceful shutdown never runs, and the orchestrator kills the process after
its grace period with requests in flight. `go vet` (sigchanyzer) reports the same mistake.

## Example
```go
quit := make(chan os.Signal)
signal.Notify(quit, syscall.SIGTERM, os.Interrupt)
<-quit
```

## Use instead
```go
quit := make(chan os.Signal, 1)
signal.Notify(quit, syscall.SIGTERM, os.Interrupt)
<-quit
```

## Known limitations
Only a channel made in the function that calls `signal.Notify` is read.

## References
- https://pkg.go.dev/os/signal#Notify
- https://pkg.go.dev/golang.org/x/tools/go/analysis/passes/sigchanyzer
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-205",
    name="go-unbuffered-signal-channel",
    category=Category.CONCURRENCY,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Give the channel a buffer: make(chan os.Signal, 1).",
    references=("https://pkg.go.dev/os/signal#Notify",),
)


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c.endswith("signal.Notify"), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if in_test_code(ctx) or ctx.imports.get("signal") != "os/signal" or go.callee(node) != "signal.Notify":
        return
    arguments = go.call_args(node)
    if not arguments or arguments[0].type != "identifier":
        return
    name = text(arguments[0])
    function = go.enclosing_function(node)
    if function is None:
        return
    ctx.examine(RULE)
    made = re.search(rf"\b{re.escape(name)}\s*:?=\s*make\(\s*chan\s+os\.Signal\s*(?P<capacity>,[^)]*)?\)", text(function))
    if made is None or made.group("capacity"):
        return
    yield RULE.hit(
        node,
        f"`{name}` is an unbuffered chan os.Signal: signal.Notify drops a signal nobody is receiving at that moment, "
        "so a SIGTERM can be lost and the graceful shutdown never runs",
    )
