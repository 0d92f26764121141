"""JavaScript CORS reflects any origin with credentials.

## What it does
Flags `cors({ origin: true | "*", credentials: true })` and the same options of a Socket.IO
server: every origin is allowed to make credentialed requests. An origin that falls back to `"*"`
when a setting is unset (`process.env.CORS_ORIGIN || "*"`) counts: that is the production default.

## Why it matters in production
Any website the user visits can act as the user against this API (cookies included) and read the
answers: account takeover from a link.

## Example
```ts
app.use(cors({ origin: true, credentials: true }))
```

## Use instead
```ts
app.use(cors({ origin: ["https://app.example.com"], credentials: true }))
```

## Known limitations
Origins computed by a function are accepted.

## References
- https://portswigger.net/web-security/cors
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.cors.js_cors_any_origin import cors_config, no_socketio, socketio_cors

RULE = RuleMeta(
    id="PR-CO-002",
    name="cors-any-origin-with-credentials",
    aliases=("PR-CO-102", "js-cors-any-origin-with-credentials"),
    category=Category.CORS,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Never combine credentials with a wildcard or reflected origin.",
    references=("https://portswigger.net/web-security/cors",),
)


REQUEST_ORIGIN = lazy_compile(
    r"(?i)(req|request)\.(headers\.origin|headers\[['\"]origin['\"]\]|header\(['\"]origin['\"]\)|get\(['\"]origin['\"]\))|^origin$"
)


def _reflected_with_credentials(node: Any) -> bool:
    """res.setHeader("Access-Control-Allow-Origin", req.headers.origin) + Allow-Credentials: true, unchecked."""
    name = js.callee(node)
    arguments = js.args(node)
    if not name.endswith((".setHeader", ".header", ".set")) or len(arguments) < 2:
        return False
    if (
        string_value(arguments[0]) or ""
    ).lower() != "access-control-allow-origin" or not REQUEST_ORIGIN.search(text(arguments[1])):
        return False
    func = js.enclosing_function(node)
    scope = text(func) if func is not None else ""
    if not re.search(r"(?i)access-control-allow-credentials['\"]\s*,\s*['\"]?true", scope):
        return False
    return not re.search(
        r"includes\(|indexOf\(|\.has\(|\.test\(|allowed|whitelist|allowlist", scope, re.IGNORECASE
    )


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda name: name == "cors" or name.endswith((".setHeader", ".header", ".set")))
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    reflected = _reflected_with_credentials(node)
    if reflected:
        ctx.examine(RULE)
        yield RULE.hit(
            node, "Access-Control-Allow-Origin echoes the request Origin while credentials are allowed"
        )
        return
    config = cors_config(node, ctx)
    if config is None or not config[1]:
        return
    ctx.examine(RULE)
    if config[0]:
        yield RULE.hit(node, "CORS reflects any origin with credentials")


@RULE.on_tree("new_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=no_socketio)
def check_socketio(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    config = socketio_cors(node, ctx)
    if config is None:
        return
    ctx.examine(RULE)
    if config[0] and config[1]:
        yield RULE.hit(config[2], f"Socket.IO CORS allows any origin ({text(config[2])[:60]}) with credentials")
