"""WebSocket read loop with no read deadline (gorilla/websocket)

## What it does
Flags the read loop of a gorilla/websocket connection (`conn.ReadMessage()`, `ReadJSON`,
`NextReader` inside a `for`) in a file that never calls `SetReadDeadline` — typically because the
pong handler does nothing (`SetPongHandler(func(string) error { return nil })`).

## Why it matters in production
gorilla/websocket has no read timeout. A client that vanishes without a close frame — a laptop
lid closed, a mobile network switch, a NAT entry dropped — leaves its goroutines, its buffers and
its place in the hub until the TCP keep-alive gives up, which can take hours. Under real traffic
the server accumulates thousands of dead connections and broadcasts keep writing to them.

## Example
```go
c.ws.SetPongHandler(func(string) error { return nil })
for {
    _, data, err := c.ws.ReadMessage()
```

## Use instead
```go
c.ws.SetReadDeadline(time.Now().Add(pongWait))
c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(pongWait)) })
for {
    _, data, err := c.ws.ReadMessage()
```
(with a writer that sends pings every `pingPeriod < pongWait`).

## Known limitations
A deadline set in another file of the package is not seen.

## References
- https://pkg.go.dev/github.com/gorilla/websocket#Conn.SetReadDeadline
- https://github.com/gorilla/websocket/blob/main/examples/chat/client.go
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_websocket import gorilla_file, loop_read
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-205",
    name="go-websocket-without-read-deadline",
    category=Category.TIMEOUTS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Set a read deadline before the loop and extend it in the pong handler; ping from the writer.",
    references=("https://pkg.go.dev/github.com/gorilla/websocket#Conn.SetReadDeadline",),
)


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c.endswith(("ReadMessage", "ReadJSON", "NextReader")), skip_file=gorilla_file)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if gorilla_file(ctx) or not loop_read(node):
        return
    ctx.examine(RULE)
    if "SetReadDeadline(" in ctx.text:
        return
    yield RULE.hit(node, "the WebSocket read loop has no read deadline: peers that vanish without a close frame are kept for hours")
