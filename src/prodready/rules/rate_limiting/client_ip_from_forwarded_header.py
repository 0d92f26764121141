"""Rate limit keyed on a client IP read from X-Forwarded-For

## What it does
In a file that rate-limits (its text names a limit, limiter or throttle), flags the client address
read straight from the `X-Forwarded-For` (or `X-Real-IP`) request header: Go
`r.Header.Get("X-Forwarded-For")`, Python `request.headers.get("X-Forwarded-For")`, Node
`req.headers['x-forwarded-for']`. In Go services that rate-limit, also chi's `middleware.RealIP`
and zhttp's `mware.RealIP()`, which rewrite `RemoteAddr` from those headers for every request.

## Why it matters in production
Any client can send `X-Forwarded-For: 1.2.3.4`. The first entry of the header is whatever the
client wrote; only the entries appended by proxies you run can be trusted. A limiter keyed on it
gives every request a fresh bucket (send a random address each time) or lets an attacker lock a
victim's address out.

## Example
```go
if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
    return strings.TrimSpace(strings.Split(xff, ",")[0])
}
```

## Use instead
Take the address your own proxy appended (the last `TRUSTED_HOPS` entries from the right), or
use the framework's trusted-proxy setting (`app.set('trust proxy', 1)`, uvicorn
`--forwarded-allow-ips`, gin `SetTrustedProxies`), and key the limiter on that.

## Known limitations
A header read checked against a list of trusted proxies elsewhere is still reported.

## References
- https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Forwarded-For#security_and_privacy_concerns
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext, PyContext, TreeContext
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._client_ip import TRUSTED_PROXY
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RA-004",
    name="client-ip-from-forwarded-header",
    category=Category.RATE_LIMITING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Trust only the hops your own proxies append (or the framework's trusted-proxy setting) when keying limits.",
    references=("https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Forwarded-For",),
)

FORWARDED = lazy_compile(r"(?i)[\"'`](x-forwarded-for|x-real-ip)[\"'`]")
LIMITING = lazy_compile(r"(?i)rate.?limit|limiter|throttl|too many requests|429")


@once_per_file
def _skip(ctx: Any) -> object:
    text_ = ctx.text
    return ctx.is_test_file or "orwarded" not in text_ and "eal-IP" not in text_ and "eal-ip" not in text_ \
        or not LIMITING.search(text_) or TRUSTED_PROXY.search(text_)


def _message() -> str:
    return "the client IP used for rate limiting comes from X-Forwarded-For, which any client sets: one fresh bucket per forged address"


@RULE.on_tree("interpreted_string_literal", "string", languages=(Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_skip)
def check_tree(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx) or not FORWARDED.fullmatch(text(node)):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, _message())


@RULE.on_python(ast.Constant, skip_file=_skip)
def check_python(node: ast.Constant, ctx: PyContext) -> Iterator[Hit]:
    if _skip(ctx) or not isinstance(node.value, str) or node.value.lower() not in {"x-forwarded-for", "x-real-ip"}:
        return
    ctx.examine(RULE)
    yield RULE.hit(node, _message())


@RULE.on_project
def check_go_middleware(ctx: ProjectContext) -> Iterator[Hit]:
    """chi `middleware.RealIP` / zhttp `mware.RealIP()` in a service that rate-limits: every per-IP
    limit is keyed on whatever X-Forwarded-For / X-Real-IP the client sends."""
    places = ctx.model.signals("forwarded-ip-trusted")
    if not places:
        return
    model = ctx.model
    if not (model.has_signal("rate-limit") or model.has_signal("global-rate-limit") or any(r.rate_limited for r in model.http_routes())):
        return
    ctx.examine(RULE)
    for place in places:
        yield Hit(
            line=place.get("line"),
            path=str(place["file"]),
            message=f"{place.get('detail')} replaces the client address with X-Forwarded-For/X-Real-IP from any client "
            "(no trusted-proxy list): per-IP rate limits get a fresh bucket per forged address",
        )
