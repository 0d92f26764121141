"""Request Origin echoed into Access-Control-Allow-Origin

## What it does
Flags hand-written CORS code that copies the request's `Origin` header into
`Access-Control-Allow-Origin` without comparing it with an allow-list: Go
`w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))` (directly or through a
variable) and Express `res.setHeader("Access-Control-Allow-Origin", req.headers.origin)`. With
`Access-Control-Allow-Credentials: true` in the same function it is reported as critical.

## Why it matters in production
Echoing the origin is `*` that browsers cannot refuse: every site is allowed, including with
credentials, which `*` itself would not permit. Any page a user visits can call the API with the
user's cookies and read the answers — account data, tokens, anything the API returns.

## Example
```go
if origin := r.Header.Get("Origin"); origin != "" {
    w.Header().Set("Access-Control-Allow-Origin", origin)
    w.Header().Set("Access-Control-Allow-Credentials", "true")
}
```

## Use instead
```go
if origin := r.Header.Get("Origin"); allowed[origin] {
    w.Header().Set("Access-Control-Allow-Origin", origin)
    w.Header().Set("Access-Control-Allow-Credentials", "true")
}
```

## Known limitations
A check made in another function (a helper that validates the origin) is not followed.

## References
- https://portswigger.net/web-security/cors/access-control-allow-origin
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang.treesitter import string_value, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CO-006",
    name="cors-origin-reflected",
    category=Category.CORS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Echo the Origin only after finding it in an explicit allow-list (and never with credentials otherwise).",
    references=("https://portswigger.net/web-security/cors/access-control-allow-origin",),
)


def _validated(function_text: str, variable: str) -> bool:
    """Any comparison or lookup of the origin variable before it is echoed."""
    v = re.escape(variable)
    return bool(re.search(
        rf"\b{v}\s*(==|!=|===|!==)\s*[\"'`\w]|[\"'`\w\]]\s*(==|===)\s*{v}\b|\[\s*{v}\s*\]|\(\s*{v}\s*\)\s*(\{{|&&|\|\|)|"
        rf"(Contains|includes|has|indexOf|some|test|match|Match\w*)\(\s*[^)]*\b{v}\b|\b{v}\s+in\s",
        function_text,
    ))


@once_per_file
def _skip(ctx: TreeContext) -> object:
    return ctx.is_test_file or "Access-Control-Allow-Origin" not in ctx.text


def _hit(node: Any, function: Any) -> Hit:
    credentials = "Access-Control-Allow-Credentials" in text(function)
    message = "the request's Origin is echoed into Access-Control-Allow-Origin unchecked: every site is allowed"
    if credentials:
        return RULE.hit(node, message + ", with credentials (cookies and tokens of the visitor)")
    return RULE.hit(node, message)


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c.endswith(".Set") or c.endswith(".Add"), skip_file=_skip)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx) or in_test_code(ctx) or not go.callee(node).endswith((".Set", ".Add")):
        return
    arguments = go.call_args(node)
    if len(arguments) != 2 or string_value(arguments[0]) != "Access-Control-Allow-Origin":
        return
    function = go.enclosing_function(node)
    if function is None:
        return
    value = text(arguments[1])
    ctx.examine(RULE)
    body = text(function)
    if re.fullmatch(r"r\w*\.Header\.Get\(\"Origin\"\)", value):
        yield _hit(node, function)
        return
    if re.fullmatch(r"\w+", value) and re.search(rf"\b{re.escape(value)}\s*:?=\s*\w+\.Header\.Get\(\"Origin\"\)", body) \
            and not _validated(body.replace(f'{value} := ', '').replace(f'{value} != ""', ''), value):
        yield _hit(node, function)


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              callee=lambda c: c.endswith((".setHeader", ".header", ".set")), skip_file=_skip)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx) or not js.callee(node).endswith((".setHeader", ".header", ".set")) or not js.is_server_file(ctx):
        return
    arguments = js.args(node)
    if len(arguments) != 2 or (string_value(arguments[0]) or "").lower() != "access-control-allow-origin":
        return
    function = js.enclosing_function(node)
    if function is None:
        return
    value = text(arguments[1])
    ctx.examine(RULE)
    if re.fullmatch(r"req\w*\.(headers\.origin|headers\[['\"]origin['\"]\]|get\(['\"]origin['\"]\)|header\(['\"]origin['\"]\))", value, re.I):
        yield _hit(node, function)
