"""Go `for {}` loop that never blocks.

## What it does
Flags infinite `for { ... }` loops whose body never blocks or leaves: no channel receive or
`select`, no `time.Sleep`/ticker, no I/O call (`Accept`, `Read`, `Recv`, `Next`, `Scan`, `Do`,
`Query`, ...), no `Wait`/`Lock`, and no `return`/`break`/`panic`.

## Why it matters in production
The goroutine spins a core at 100%: latency rises for everything else on the node, autoscalers react
to fake load, and the bill grows.

## Example
```go
for {
    if len(queue) > 0 {
        process(queue[0])
    }
}
```

## Use instead
```go
for job := range jobs {   // blocks until work arrives
    process(job)
}
```

## Known limitations
Blocking inside a helper called from the loop is not seen; suppress with the helper's name.

## References
- https://go.dev/doc/effective_go#channels
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-PM-001",
    name="busy-loop",
    aliases=("PR-PM-202", "go-busy-loop"),
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Block on a channel, select with a ticker/context, or sleep between iterations.",
    references=("https://go.dev/doc/effective_go#channels",),
)

BLOCKS = lazy_compile(
    r"(<-|\bselect\b|Sleep|Ticker|Tick\(|After\(|Accept|Read|Recv|Receive|Next\(|Scan|\.Do\(|\.Get\(|Query|Exec|Wait|"
    r"Lock\(|Pop|Write|Serve|Listen|Dial|\breturn\b|\bbreak\b|\bgoto\b|panic\(|os\.Exit|Fatal)"
)


@RULE.on_tree("for_statement", languages=(Language.GO,), skip_file=in_test_file)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.path.endswith("_test.go"):
        return
    body = field(node, "body")
    clauses = [c for c in node.named_children if c.type not in {"block", "comment"}]
    if clauses or body is None:
        return  # a condition or range clause: not an endless loop
    ctx.examine(RULE)
    if not BLOCKS.search(text(body)):
        yield RULE.hit(node, "endless `for {}` never blocks or exits: it spins a CPU core")
