"""WebSocket messages read with no size limit

## What it does
Go: flags the read loop of a gorilla/websocket connection (`conn.ReadMessage()`, `ReadJSON`,
`NextReader` inside a `for`) in a file that never calls `SetReadLimit`. Node: flags a `ws` server
(`new WebSocketServer({...})`, `new WebSocket.Server({...})`) created without `maxPayload`, whose
default is 100 MiB per message; options passed as a variable are given the benefit of the doubt.

## Why it matters in production
gorilla/websocket accepts messages of any size by default: `ReadMessage` buffers the whole
message in memory before returning it. One client sending a message of a few hundred megabytes —
or many clients sending large ones — exhausts the server's memory. The HTTP body limits in front
of the service do not apply once the connection is upgraded. Node's `ws` buffers up to 100 MiB per
message before the handler sees it (and `JSON.parse` copies it again on the event loop).

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

(`new WebSocketServer({ server, maxPayload: 64 * 1024 })` in Node.)

## Known limitations
A limit set in another file of the package is not seen.

## References
- https://pkg.go.dev/github.com/gorilla/websocket#Conn.SetReadLimit
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_websocket import gorilla_file, loop_read
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-204",
    name="websocket-without-read-limit",
    aliases=("go-websocket-without-read-limit",),  # its name while it read Go alone
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Cap message size: conn.SetReadLimit(maxMessageSize) right after the upgrade (Go), maxPayload on the ws server (Node).",
    references=(
        "https://pkg.go.dev/github.com/gorilla/websocket#Conn.SetReadLimit",
        "https://github.com/websockets/ws/blob/master/doc/ws.md#new-websocketserveroptions-callback",
    ),
)


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c.endswith(("ReadMessage", "ReadJSON", "NextReader")), skip_file=gorilla_file)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if gorilla_file(ctx) or not loop_read(node):
        return
    ctx.examine(RULE)
    if "SetReadLimit(" in ctx.text:
        return
    yield RULE.hit(node, "messages of any size are read into memory: no SetReadLimit on this WebSocket connection")


def _no_ws(ctx: TreeContext) -> bool:
    return ctx.is_test_file or "ws" not in ctx.imports.values() and not any(
        m.split("#")[0] == "ws" for m in ctx.imports.values()
    )


@RULE.on_tree("new_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_ws)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    constructor = text(field(node, "constructor"))
    owner, _, member = constructor.rpartition(".")
    module = ctx.imports.get(owner or constructor, "")
    if module.split("#")[0] != "ws" or (member or module.split("#")[-1]) not in {"Server", "WebSocketServer"}:
        return
    if js.SCRIPT_PATH.search(ctx.path):
        return
    ctx.examine(RULE)
    options = js.args(node)
    if not options or options[0].type != "object":
        return  # options built elsewhere: not judged
    if js.object_value(options[0], "maxPayload") is not None or any(c.type == "spread_element" for c in options[0].named_children):
        return
    yield RULE.hit(node, "ws server without maxPayload: each message may be up to 100 MiB and is buffered whole before the handler runs")
