"""WebSocket connection accepted with no token or origin check (JS/TS).

## What it does
Flags `wss.on("connection", ...)` of a `ws` WebSocketServer and `io.on("connection", ...)` of a
socket.io server when nothing authenticates the connection: no `verifyClient` option, no
`upgrade` handler that checks credentials, no `io.use(...)` middleware and no token, cookie,
session, origin or `handshake.auth` read in the connection handler.

## Why it matters in production
WebSocket upgrades are not covered by the HTTP auth middleware of the app, and browsers do not
apply CORS to them: any page on any origin can open the socket with the user's cookies
(cross-site WebSocket hijacking) and anyone who finds the URL can read or push messages.

## Example
```js
const wss = new WebSocketServer({ server });
wss.on("connection", (ws) => { ws.on("message", (m) => broadcast(m)); });
```

## Use instead
```js
const wss = new WebSocketServer({ noServer: true });
server.on("upgrade", async (req, socket, head) => {
  const user = await verifyToken(new URL(req.url, "http://x").searchParams.get("token"));
  if (!user) return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req, user));
});
```

## Known limitations
Authentication done in another module (a shared upgrade handler, a gateway in front of the
service) is not seen; the check looks at the file that registers the connection handler.

## References
- https://github.com/websockets/ws#client-authentication
- https://socket.io/docs/v4/middlewares/
- https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/11-Client-side_Testing/10-Testing_WebSockets
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import descendants, field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-002",
    name="websocket-without-auth",
    aliases=("PR-AU-102", "js-websocket-without-auth"),
    category=Category.AUTHENTICATION,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Authenticate the upgrade (verifyClient, an upgrade handler or io.use middleware checking a token/session and the Origin) and close unauthenticated sockets.",
    references=(
        "https://github.com/websockets/ws#client-authentication",
        "https://socket.io/docs/v4/middlewares/",
    ),
)

WS_MODULES = {"ws", "socket.io", "isomorphic-ws"}
AUTH_WORDS = lazy_compile(
    r"(?i)(token|auth|jwt|cookie|session|api_?key|apikey|credential|verify|origin|signature|password|handshake\.(auth|headers|query)|user(Id)?\b)"
)


def _servers(ctx: TreeContext) -> dict[str, Any]:
    """Variables bound to a ws/socket.io server -> the constructor node."""
    servers: dict[str, Any] = {}
    for declarator in descendants(ctx.root, "variable_declarator"):
        value = field(declarator, "value")
        if value is None:
            continue
        if value.type == "new_expression":
            constructor = text(field(value, "constructor"))
            owner = constructor.split(".")[0]
            module = ctx.imports.get(owner, "").split("#")[0]
            if module in WS_MODULES and constructor.split(".")[-1] in {"Server", "WebSocketServer"}:
                servers[text(field(declarator, "name"))] = value
        elif value.type == "call_expression":
            owner = js.callee(value).split(".")[0]
            if ctx.imports.get(owner, "").split("#")[0] == "socket.io":
                servers[text(field(declarator, "name"))] = value
    return servers


def _authenticated_elsewhere(ctx: TreeContext, server: str, constructor: Any) -> bool:
    options = js.args(constructor)
    if any(js.object_has_key(o, "verifyClient") for o in options):
        return True
    for call in descendants(ctx.root, "call_expression"):
        name = js.callee(call)
        arguments = js.args(call)
        if name == f"{server}.use" or name.endswith(".of") and ".use" in text(call.parent):
            return True  # socket.io middleware (io.use(authenticate))
        if (
            name.endswith(".on")
            and arguments
            and string_value(arguments[0]) == "upgrade"
            and AUTH_WORDS.search(text(call))
        ):
            return True
        if name.endswith(".handleUpgrade") and AUTH_WORDS.search(text(js.enclosing_function(call) or call)):
            return True
    return False


def _no_ws_server(ctx: TreeContext) -> bool:
    """skip_file=: test code, a script, or no ws/socket.io import (_servers finds none)."""
    return js.test_or_script(ctx) or not any(
        v.split("#")[0] in WS_MODULES or v.split("#")[0] == "socket.io" for v in ctx.imports.values()
    )


@RULE.on_tree("program", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_ws_server)
def check(root: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return  # tests, scripts and examples/ demos
    servers = _servers(ctx)
    if not servers:
        return
    for call in descendants(root, "call_expression"):
        parts = js.member_parts(field(call, "function"))
        arguments = js.args(call)
        if parts is None or parts[1] != "on" or parts[0] not in servers or len(arguments) < 2:
            continue
        if string_value(arguments[0]) not in {"connection", "connect"}:
            continue
        ctx.examine(RULE)
        if _authenticated_elsewhere(ctx, parts[0], servers[parts[0]]):
            continue
        handler = arguments[1]
        if AUTH_WORDS.search(text(handler)):
            continue
        yield RULE.hit(
            call, f"{parts[0]}.on('connection') accepts every socket: no token, session or origin check"
        )
