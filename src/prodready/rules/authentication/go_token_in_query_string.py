"""Credential read from the URL query string.

## What it does
Flags authentication tokens taken from the query string — `c.Query("token")`,
`r.URL.Query().Get("access_token")`, `c.QueryParam("api_key")` — in functions that
do not serve a WebSocket or SSE stream (browsers cannot set headers there) or a verification,
reset, unsubscribe or download link, and jwt-go's
`request.ArgumentExtractor{"access_token"}` / `request.OAuth2Extractor` (which includes it), used
with `request.ParseFromRequest`.

## Why it matters in production
URLs are written to access logs (gin.Logger, nginx, load balancers), browser history and `Referer`
headers sent to third parties. A bearer token in the URL is a credential copied into every one of
them, readable by anyone with log access and valid until it expires.

## Example
```go
token := c.Query("token")
```

## Use instead
```go
token := strings.TrimPrefix(c.GetHeader("Authorization"), "Bearer ")
```

## Known limitations
`r.FormValue` is not flagged (it also reads POST bodies, where a key is fine). Short-lived, single-use tokens (signed download links) are legitimate in URLs; suppress those.

## References
- https://owasp.org/www-community/vulnerabilities/Information_exposure_through_query_strings_in_url
- https://datatracker.ietf.org/doc/html/rfc6750#section-5.3
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-206",
    name="token-in-query-string",
    aliases=("go-token-in-query-string",),
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Take the token from the Authorization header (or an HttpOnly cookie), never from the URL.",
    references=("https://datatracker.ietf.org/doc/html/rfc6750#section-5.3",),
)

TOKEN_KEY = lazy_compile(r"(?i)^(token|access_token|accesstoken|auth_token|jwt|api_key|apikey|bearer|session_token)$")
# Channels that cannot send headers, and links that carry their own single-use token.
LINK_OR_STREAM = lazy_compile(r"(?i)websocket|Upgrade\(|\bws\b|\bsse\b|EventSource|text/event-stream|download|unsubscribe|verif|confirm|reset|callback")
QUERY_GETTERS = lazy_compile(r"^(\w+\.Query|\w+\.DefaultQuery|\w+\.QueryParam|\w+\.URL\.Query\(\)\.Get|\w+\.GetQuery)$")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: "Query" in c and QUERY_GETTERS.match(c), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if not QUERY_GETTERS.match(name) or non_production(ctx.path, ctx.is_test_file):
        return
    key = go.string_arg(node)
    if key is None or not TOKEN_KEY.match(key):
        return
    function = go.enclosing_function(node)
    scope = text(function) if function is not None else ctx.text
    if LINK_OR_STREAM.search(scope):
        return  # this function serves a WebSocket/SSE stream or a single-use link
    if field(node, "function") is None:
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f'{name}("{key}") takes the credential from the URL: it lands in access logs and Referer headers')


# jwt-go's request package: ArgumentExtractor reads the token from the query (and form) arguments;
# OAuth2Extractor is the header plus ArgumentExtractor{"access_token"}.
EXTRACTOR_PATHS = lazy_compile(r"^github\.com/(dgrijalva/jwt-go|golang-jwt/jwt|form3tech-oss/jwt-go)(/v\d+)?/request$")


def _oauth2_extractors(nodes: list[Any], ctx: TreeContext) -> Iterator[Any]:
    for node in nodes:
        parts = go.selector_parts(node)
        if parts is not None and parts[1] == "OAuth2Extractor" and EXTRACTOR_PATHS.match(ctx.imports.get(parts[0], "")):
            yield node


def _no_extractor(ctx: TreeContext) -> bool:
    """skip_file=: test code, or no Extractor in the file (the literal's type text is a piece of it)."""
    return in_test_code(ctx) or "Extractor" not in ctx.text


@RULE.on_tree("composite_literal", languages=(Language.GO,), skip_file=_no_extractor)
def check_extractor(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`request.ArgumentExtractor{"access_token"}`, and `request.OAuth2Extractor` in a MultiExtractor."""
    typ = field(node, "type")
    if typ is None or "Extractor" not in text(typ) or non_production(ctx.path, ctx.is_test_file):
        return
    if typ.type == "qualified_type":
        package, name = text(field(typ, "package")), text(field(typ, "name"))
        if not EXTRACTOR_PATHS.match(ctx.imports.get(package, "")):
            return
    else:
        package, name = "", "MultiExtractor"  # []request.Extractor{...}
    ctx.examine(RULE)
    body = field(node, "body")
    elements = [c.named_children[0] for c in (body.named_children if body is not None else []) if c.named_children]
    if name == "ArgumentExtractor":
        shown = f'{package}.ArgumentExtractor{{{", ".join(text(e) for e in elements)}}}'
        yield RULE.hit(node, f"{shown} accepts the token from the URL query: it lands in access logs and Referer headers")
        return
    for extractor in _oauth2_extractors(elements, ctx):
        yield RULE.hit(extractor, f"{text(extractor)} accepts the token from the URL query: it lands in access logs and Referer headers")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda name: "ParseFromRequest" in name, skip_file=in_test_code)
def check_parse_from_request(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`request.ParseFromRequest(r, request.OAuth2Extractor, keyFunc)`."""
    if "ParseFromRequest" not in go.callee(node) or non_production(ctx.path, ctx.is_test_file):
        return
    ctx.examine(RULE)
    for extractor in _oauth2_extractors(go.call_args(node), ctx):
        yield RULE.hit(extractor, f"{text(extractor)} accepts the token from the URL query: it lands in access logs and Referer headers")
