"""WebSocket connection read with no message size limit (gorilla/websocket)

## What it does
Flags the read loop of a gorilla/websocket connection (`conn.ReadMessage()`, `ReadJSON`,
`NextReader` inside a `for`) in a file that never calls `SetReadLimit`.

## Why it matters in production
gorilla/websocket accepts messages of any size by default: `ReadMessage` buffers the whole
message in memory before returning it. One client sending a message of a few hundred megabytes —
or many clients sending large ones — exhausts the server's memory. The HTTP body limits in front
of the service do not apply once the connection is upgraded.

## Example
```go
for {
    _, data, err := c.ws.ReadMessage()
```

## Use instead
```go
c.ws.SetReadLimit(maxMessageSize) // e.g. 64 KiB: larger frames close the connection
for {
    _, data, err := c.ws.ReadMessage()
```

## Known limitations
A limit set in another file of the package is not seen.

## References
- https://pkg.go.dev/github.com/gorilla/websocket#Conn.SetReadLimit
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_websocket import gorilla_file, loop_read
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-204",
    name="go-websocket-without-read-limit",
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Call conn.SetReadLimit(maxMessageSize) right after the upgrade.",
    references=("https://pkg.go.dev/github.com/gorilla/websocket#Conn.SetReadLimit",),
)


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c.endswith(("ReadMessage", "ReadJSON", "NextReader")), skip_file=gorilla_file)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if gorilla_file(ctx) or not loop_read(node):
        return
    ctx.examine(RULE)
    if "SetReadLimit(" in ctx.text:
        return
    yield RULE.hit(node, "messages of any size are read into memory: no SetReadLimit on this WebSocket connection")
