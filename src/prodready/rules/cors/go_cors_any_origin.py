"""Go CORS allows any origin.

## What it does
Flags Go CORS configurations that allow every origin — `AllowAllOrigins: true`,
`AllowedOrigins`/`AllowOrigins: []string{"*"}`, `Header().Set("Access-Control-Allow-Origin", "*")`
in a middleware (one handler that opens its own endpoint — a tracking pixel, a public status — is
left alone),
and the defaults that mean the same: rs/cors and go-chi/cors `cors.AllowAll()` / `cors.Default()`,
gin-contrib `cors.Default()`, echo `middleware.CORS()` (and a `middleware.CORSConfig` without
`AllowOrigins`), fiber `cors.New()` without a config, ozzo-routing `cors.Handler(cors.AllowAll)` —
and reports them as critical when credentials are allowed too (`AllowCredentials: true`).

## Why it matters in production
Any website can call the API from a user's browser and read the responses; with credentials it can
act as the logged-in user.

## Example
```go
c := cors.New(cors.Options{AllowedOrigins: []string{"*"}, AllowCredentials: true})
```

## Use instead
```go
c := cors.New(cors.Options{AllowedOrigins: cfg.AllowedOrigins, AllowCredentials: true})
```

## Known limitations
Origins built at run time are not resolved. A header set only inside a branch on the request path
(one public endpoint), and a policy whose allowed headers list the one the API authenticates with
(`Authorization`, `X-Auth-Token`) without credentials, are left alone.

## References
- https://github.com/rs/cors
- https://portswigger.net/web-security/cors
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import ancestors, field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta
from prodready.rules.cors._headers import lists_token_header

RULE = RuleMeta(
    id="PR-CO-001",
    name="cors-any-origin",
    aliases=("PR-CO-201", "go-cors-any-origin"),
    category=Category.CORS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="List allowed origins explicitly; never combine a wildcard with credentials.",
    references=("https://github.com/rs/cors",),
)


def _no_origin_options(ctx: TreeContext) -> bool:
    """skip_file=: check_options returns unless the literal's text (a piece of the file's) holds
    Origin or CORSConfig."""
    return "Origin" not in ctx.text and "CORSConfig" not in ctx.text


@RULE.on_tree("composite_literal", languages=(Language.GO,), skip_file=_no_origin_options)
def check_options(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    source = node.text or b""
    if b"Origin" not in source and b"CORSConfig" not in source:
        return  # every key looked for below has it in its name (an echo CORSConfig is judged by its absence)
    keys = go.keyed_elements(node)
    origin_keys = [k for k in ("AllowAllOrigins", "AllowedOrigins", "AllowOrigins") if k in keys]
    if not origin_keys:
        typ = go.composite_type(node)
        package = typ.split(".")[0]
        if (
            typ.endswith(".CORSConfig")
            and re.match(r"^github\.com/labstack/echo(/v\d)?/middleware$", ctx.imports.get(package, ""))
            and "AllowOriginFunc" not in keys
        ):
            ctx.examine(RULE)
            yield RULE.hit(node, f"{typ} without AllowOrigins falls back to echo's default: any origin")
        return
    ctx.examine(RULE)
    key = origin_keys[0]
    value = " ".join(text(keys[key]).split())
    if value == "true" or '"*"' in value:
        creds = "AllowCredentials" in keys and text(keys["AllowCredentials"]).strip() == "true"
        if not creds and _token_headers(text(node)):
            return  # a bearer-token API: other sites can only send requests without a user's token
        suffix = " together with AllowCredentials: any site acts as the user" if creds else ""
        yield Hit(
            line=node.start_point.row + 1 + (keys[key].start_point.row - node.start_point.row),
            message=f"CORS {key} allows any origin{suffix}",
        )


# Defaults that allow every origin, by the import path of the package named `cors` / `middleware`.
ALLOW_ALL_DEFAULTS = (
    # rs/cors and go-chi/cors: cors.AllowAll() / cors.Default(); ozzo-routing: the cors.AllowAll options
    (re.compile(r"^github\.com/(rs/cors|go-chi/cors|go-ozzo/ozzo-routing(/v\d)?/cors)$"), {"AllowAll", "Default"}),
    # gin-contrib/cors.Default() sets AllowAllOrigins = true
    (re.compile(r"^github\.com/gin-contrib/cors$"), {"Default"}),
    # echo middleware.CORS() uses DefaultCORSConfig (AllowOrigins "*")
    (re.compile(r"^github\.com/labstack/echo(/v\d)?/middleware$"), {"CORS"}),
    # fiber cors.New() with no config allows "*"
    (re.compile(r"^github\.com/gofiber/fiber/v2/middleware/cors$"), {"New"}),
)


def _allow_all_default(call: Any, ctx: TreeContext) -> str | None:
    """`cors.AllowAll()`, `cors.Default()`, `middleware.CORS()`, fiber `cors.New()`, ozzo
    `cors.Handler(cors.AllowAll)`: the text, when it allows any origin."""
    parts = go.call_parts(call)
    if parts is None:
        return None
    package, name = parts
    path = ctx.imports.get(package, "")
    if name == "Handler" and "ozzo-routing" in path:
        # ozzo's cors.AllowAll is an Options value handed to cors.Handler
        return next((f"{package}.Handler({text(a)})" for a in go.call_args(call) if text(a) == f"{package}.AllowAll"), None)
    for pattern, names in ALLOW_ALL_DEFAULTS:
        if name in names and pattern.match(path) and "ozzo-routing" not in path:
            if go.call_args(call) and name in {"New", "Default", "CORS"}:
                return None  # configured: the options are judged where they are written
            return f"{package}.{name}()"
    return None


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda name: name.endswith((".AllowAll", ".Default", ".CORS", ".New", ".Handler")), skip_file=in_test_code)
def check_defaults(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if not go.callee(node).endswith((".AllowAll", ".Default", ".CORS", ".New", ".Handler")) or in_test_code(ctx):
        return
    shown = _allow_all_default(node, ctx)
    if shown is None or non_production(ctx.path, ctx.is_test_file):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f"{shown} allows requests from any origin")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda name: name.endswith(("Header().Set", "Header().Add", ".Header")), skip_file=in_test_code)
def check_header(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if not go.callee(node).endswith(("Header().Set", "Header().Add", ".Header")) or in_test_code(ctx):
        return
    args = go.call_args(node)
    if len(args) >= 2 and go.string_arg(node, 0) == "Access-Control-Allow-Origin":
        ctx.examine(RULE)
        if go.string_arg(node, 1) == "*" and _in_middleware(node) and not _path_scoped(node) \
                and not _token_headers(text(go.enclosing_function(node))):
            yield RULE.hit(node, "Access-Control-Allow-Origin: * set by hand")


def _token_headers(source: str) -> bool:
    if re.search(r'Allow-Credentials"\s*,\s*"true"|AllowCredentials:\s*true', source):
        return False  # credentials allowed too: the browser sends the user's cookies
    for match in re.finditer(r'(?:Access-Control-Allow-Headers"\s*,\s*|Allow(?:ed)?Headers\s*:\s*)([^\n]*)', source):
        if lists_token_header(match.group(1)):
            return True
    return False


def _path_scoped(node: Any) -> bool:
    """Set only inside a branch on the request path (`if r.URL.Path == "/status"`, `if !isCorsPath(path)`
    returning early): one public endpoint opened on purpose, not every route."""
    function = go.enclosing_function(node)
    for ancestor in ancestors(node):
        if function is not None and ancestor.id == function.id:
            break
        if ancestor.type == "if_statement" and re.search(r"URL\.Path|FullPath\(\)|(?i:path)", text(field(ancestor, "condition"))):
            return True
    body = text(function) if function is not None else ""
    return bool(re.search(r"if\s+!\s*\w*(?i:cors)\w*\([^)]*(?i:path)", body))


def _in_middleware(node: Any) -> bool:
    """Set for every route (a middleware: it takes or returns an http.Handler), not by one handler
    that opens its own endpoint on purpose (a tracking pixel, a public status or ping)."""
    function = go.enclosing_top_function(node)
    if function is None:
        return True
    signature = text(field(function, "parameters")) + " " + text(field(function, "result"))
    return bool(re.search(r"\bhttp\.Handler\b|HandlerFunc\b|\bnext\b|echo\.MiddlewareFunc|gin\.HandlerFunc", signature))
