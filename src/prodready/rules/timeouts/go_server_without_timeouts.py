"""Go HTTP server without read/header timeouts.

## What it does
Flags `http.ListenAndServe`/`ListenAndServeTLS` (the package functions cannot set timeouts) and
`http.Server{...}` literals without `ReadHeaderTimeout` or `ReadTimeout`.

## Why it matters in production
Clients that send headers slowly (Slowloris) or never finish a body hold a goroutine and a file
descriptor each; a few thousand of them exhaust the server without any real traffic.

## Example
```go
log.Fatal(http.ListenAndServe(":"+port, nil))
```

## Use instead
```go
srv := &http.Server{Addr: ":" + port, Handler: mux,
    ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
    WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
log.Fatal(srv.ListenAndServe())
```

## Known limitations
Timeouts enforced by a proxy in front of the server are not visible.

## References
- https://pkg.go.dev/net/http#Server
- https://blog.cloudflare.com/the-complete-guide-to-golang-net-http-timeouts/
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-203",
    name="go-server-without-timeouts",
    category=Category.TIMEOUTS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Run an http.Server with ReadHeaderTimeout/ReadTimeout/WriteTimeout/IdleTimeout set.",
    references=("https://pkg.go.dev/net/http#Server",),
)


@RULE.on_tree("call_expression", languages=(Language.GO,))
def check_listen(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if name in {"http.ListenAndServe", "http.ListenAndServeTLS"} and ctx.imports.get("http") == "net/http":
        ctx.examine(RULE)
        yield RULE.hit(node, f"{name} runs a server with no read, header or write timeouts")


@RULE.on_tree("composite_literal", languages=(Language.GO,))
def check_server(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if go.composite_type(node) != "http.Server" or ctx.path.endswith("_test.go"):
        return
    ctx.examine(RULE)
    keys = go.keyed_elements(node)
    if "ReadHeaderTimeout" not in keys and "ReadTimeout" not in keys:
        yield RULE.hit(
            node, "http.Server without ReadHeaderTimeout/ReadTimeout: slow clients hold connections forever"
        )
