"""Go auth token read from the URL query string.

## What it does
Flags authentication tokens taken from the query string — `c.Query("token")`,
`r.URL.Query().Get("access_token")`, `c.QueryParam("api_key")` — in files that
are not WebSocket endpoints (browsers cannot set headers on a WebSocket handshake).

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

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import field
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-206",
    name="go-token-in-query-string",
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Take the token from the Authorization header (or an HttpOnly cookie), never from the URL.",
    references=("https://datatracker.ietf.org/doc/html/rfc6750#section-5.3",),
)

TOKEN_KEY = lazy_compile(r"(?i)^(token|access_token|accesstoken|auth_token|jwt|api_key|apikey|bearer|session_token)$")
QUERY_GETTERS = lazy_compile(r"^(\w+\.Query|\w+\.DefaultQuery|\w+\.QueryParam|\w+\.URL\.Query\(\)\.Get|\w+\.GetQuery)$")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: QUERY_GETTERS.match(c), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if not QUERY_GETTERS.match(name) or non_production(ctx.path, ctx.is_test_file):
        return
    key = go.string_arg(node)
    if key is None or not TOKEN_KEY.match(key):
        return
    if re.search(r"(?i)websocket|Upgrade\(|\bws\b|sse|EventSource|download|unsubscribe|verify|confirm|reset", ctx.text):
        return
    if field(node, "function") is None:
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f'{name}("{key}") takes the credential from the URL: it lands in access logs and Referer headers')
