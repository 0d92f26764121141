"""Credential read from the URL query string (JavaScript/TypeScript)

## What it does
Flags authentication code that takes a token, API key or secret from the query string:
`req.query.api_key`, `ctx.request.query.token`, `req.query['access_token']`, passport-jwt's
`ExtractJwt.fromUrlQueryParameter('token')`. Only authentication code is judged (a middleware,
guard, passport strategy or `authenticate`/`requireAuth`-style function, or a file named for auth);
e-mail verification, password reset, unsubscribe, download and share links, and WebSocket or SSE
endpoints (browsers cannot set headers there) are left alone.

## Why it matters in production
URLs are written to access logs (morgan, nginx, load balancers), browser history and the
`Referer` header sent to other sites. A long-lived API key or session token in the URL is a
credential copied into every one of them, readable by anyone with access to the logs.

## Example
```js
const token = req.headers.authorization || req.query.api_key;
```

## Use instead
```js
const token = (req.headers.authorization || "").replace(/^Bearer /, "");
```

## Known limitations
Single-use, short-lived tokens in links are legitimate; suppress those with a reason.

## References
- https://datatracker.ietf.org/doc/html/rfc6750#section-5.3
- https://owasp.org/www-community/vulnerabilities/Information_exposure_through_query_strings_in_url
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-206",
    name="token-in-query-string",
    aliases=("PR-AU-108",),
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Take the credential from the Authorization header (or an HttpOnly cookie), never from the URL.",
    references=("https://datatracker.ietf.org/doc/html/rfc6750#section-5.3",),
)

CREDENTIAL = r"(token|access_token|accessToken|auth_token|authToken|api_key|apikey|apiKey|api_secret|secret|jwt)"
QUERY_READ = lazy_compile(
    rf"^(req|request|ctx|ctx\.request|context\.request)\.query(\.{CREDENTIAL}|\[['\"]({CREDENTIAL}|api-key|x-api-key)['\"]\])$"
)
# Code that authenticates: where a credential from the URL is accepted for every route.
AUTH_FUNCTION = lazy_compile(r"(?i)auth|guard|verify_?(token|key|request)|require|protect|passport|strategy|middleware|jwt|session|permit|api_?key")
AUTH_FILE = lazy_compile(r"(?i)(^|/)[^/]*(auth|guard|passport|middlewares?|security|permission)[^/]*(/|$)")
# Links that carry their own single-use token, and channels that cannot send headers.
LINK_OR_STREAM = lazy_compile(r"(?i)verif|confirm|reset|unsubscribe|download|share|invite|magic|websocket|\bws\b|socket\.io|sse|EventSource|upgrade|webhook")
# Webhook receivers: the sender (an app store, a CI) can only be given a URL, so its secret rides in it.
WEBHOOK_PATH = lazy_compile(r"(?i)webhook|callback")


def _judged(node: Any, ctx: TreeContext) -> bool:
    func = js.enclosing_function(node)
    name = js.function_name(func)
    scope = text(func) if func is not None else ""
    if LINK_OR_STREAM.search(name) or LINK_OR_STREAM.search(scope[:3000]) or WEBHOOK_PATH.search(ctx.path):
        return False
    if not (AUTH_FILE.search(ctx.path) or AUTH_FUNCTION.search(name)):
        return False
    # one report per function: `authHeader || req.body.api_key || req.query.api_key` twice is one defect
    seen = ctx.memo.setdefault("PR-AU-206", set()) if getattr(ctx, "memo", None) is not None else set()
    key = func.start_byte if func is not None else -1
    if key in seen:
        return False
    seen.add(key)
    return True


def _skip(ctx: TreeContext) -> bool:
    return ctx.is_test_file or not js.is_server_file(ctx) or ("query" not in ctx.text and "Query" not in ctx.text)


@RULE.on_tree("member_expression", "subscript_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_skip)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx):
        return
    value = re.sub(r"\s+", "", text(node))
    if not QUERY_READ.match(value) or (node.parent is not None and node.parent.type in {"member_expression", "subscript_expression"} and QUERY_READ.match(re.sub(r"\s+", "", text(node.parent)))):
        return
    ctx.examine(RULE)
    if _judged(node, ctx):
        yield RULE.hit(node, f"`{value}` takes the credential from the URL: it lands in access logs, browser history and Referer headers")


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda name: name.endswith("fromUrlQueryParameter"), skip_file=_skip)
def check_passport(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if not js.callee(node).endswith("fromUrlQueryParameter") or _skip(ctx):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, "passport-jwt reads the token from the URL query: it lands in access logs, browser history and Referer headers")
