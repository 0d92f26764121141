"""JavaScript CORS allows any origin.

## What it does
Flags `cors()` called with no options (its default is `origin: "*"`), `cors({ origin: "*" })`,
`cors({ origin: true })` (reflects any origin), `Access-Control-Allow-Origin: *` set by hand, the
same options of a Socket.IO server (`new Server(http, { cors: {...} })`), and an origin that falls
back to one of them when a setting is unset (`origin: process.env.CORS_ORIGIN || "*"`).
With `credentials: true` the finding is PR-CO-002 instead.

## Why it matters in production
Any website can call the API from a visitor's browser and read the responses.

## Example
```ts
app.use(cors())
```

## Use instead
```ts
app.use(cors({ origin: config.allowedOrigins }))
```

## Known limitations
Origins computed by a function are accepted.

## References
- https://expressjs.com/en/resources/middleware/cors.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CO-001",
    name="cors-any-origin",
    aliases=("PR-CO-101", "js-cors-any-origin"),
    category=Category.CORS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Pass an explicit origin allow-list to cors().",
    references=("https://expressjs.com/en/resources/middleware/cors.html",),
)


def _allows_all(origin: Any) -> bool:
    """`origin: (origin, cb) => cb(null, true)`: a callback that accepts every origin without looking at it."""
    if origin.type not in {"arrow_function", "function_expression", "function"}:
        return False
    body = text(field(origin, "body"))
    return bool(re.search(r"\(\s*null\s*,\s*(true|origin)\s*\)", body)) and not re.search(
        r"\bif\b|\?|includes\(|indexOf\(|\.test\(|===|!==|\.has\(|match\(|endsWith\(|startsWith\(", body
    )


def _any_origin(origin: Any) -> bool:
    """`"*"`, `true`, an accept-all callback, or a setting that falls back to one of them
    (`process.env.CORS_ORIGIN || "*"`: every origin unless an operator sets it)."""
    if origin.type == "binary_expression" and text(field(origin, "operator")) in {"||", "??"}:
        right = field(origin, "right")
        return right is not None and _any_origin(right)
    return string_value(origin) == "*" or text(origin) == "true" or _allows_all(origin)


def _options_config(options: Any) -> tuple[bool, bool]:
    origin = js.object_value(options, "origin")
    credentials = js.object_value(options, "credentials")
    return origin is not None and _any_origin(origin), credentials is not None and text(credentials) == "true"


def socketio_cors(node: Any, ctx: TreeContext) -> tuple[bool, bool, Any] | None:
    """(any_origin, credentials, the origin option) of `new Server(httpServer, { cors: {...} })` from
    socket.io, else None."""
    constructor = field(node, "constructor")
    if constructor is None or ctx.imports.get(text(constructor).split(".")[0], "").split("#")[0] != "socket.io":
        return None
    arguments = js.args(node)
    options = next((a for a in arguments if a.type == "object"), None)
    cors = js.object_value(options, "cors")
    if cors is None or cors.type != "object":
        return None
    return (*_options_config(cors), js.object_value(cors, "origin") or node)


def cors_config(node: Any, ctx: TreeContext) -> tuple[bool, bool] | None:
    """(any_origin, credentials) for a cors(...) call or a hand-set header, else None."""
    name = js.callee(node)
    arguments = js.args(node)
    if name == "cors" and ctx.imports.get("cors", "").split("#")[0] in {"cors", "@koa/cors"}:
        if not arguments:
            return True, False
        return _options_config(arguments[0])
    if name.endswith((".setHeader", ".header", ".set")) and len(arguments) >= 2:
        if (string_value(arguments[0]) or "").lower() == "access-control-allow-origin":
            return string_value(arguments[1]) == "*", False
    return None


STATIC = lazy_compile(r"(?i)(static|asset|public|font|image|avatar|badge|download|attachment|file|cdn|embed)")


def _public_asset(node: Any, ctx: TreeContext) -> bool:
    for anc in ancestors(node):
        if anc.type == "pair" and text(field(anc, "key")) == "setHeaders":
            return True
        if anc.type == "if_statement" and re.search(r"""['"]\*['"]""", text(field(anc, "condition"))):
            return True  # a CORS helper applying a configured "*" (the configuration is where to look)
    func = js.enclosing_function(node)
    return bool(STATIC.search(js.function_name(func)) or STATIC.search(ctx.path.rsplit("/", 1)[-1]))


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda name: name == "cors" or name.endswith((".setHeader", ".header", ".set")))
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    config = cors_config(node, ctx)
    if config is None:
        return
    ctx.examine(RULE)
    outer = node.parent.parent if node.parent is not None else None
    if outer is not None and outer.type == "call_expression" and js.callee(outer).endswith(".options"):
        return  # app.options('*', cors()) repeats the app.use(cors()) for preflights
    if js.callee(node) != "cors" and _public_asset(node, ctx):
        return  # static files / public downloads served to any origin on purpose
    if config[0] and not config[1]:
        what = (
            "cors() with no options"
            if js.callee(node) == "cors" and not js.args(node)
            else "CORS configuration"
        )
        yield RULE.hit(node, f"{what} allows any origin")


def no_socketio(ctx: TreeContext) -> object:
    return "socket.io" not in ctx.text


@RULE.on_tree("new_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=no_socketio)
def check_socketio(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    config = socketio_cors(node, ctx)
    if config is None:
        return
    ctx.examine(RULE)
    if config[0] and not config[1]:
        yield RULE.hit(config[2], f"Socket.IO CORS allows any origin ({text(config[2])[:60]})")
