"""Absolute URL built from the request's Host header (JS/TS)

## What it does
Flags template strings and concatenations that build an absolute URL (`http://...`, `https://...`,
`${req.protocol}://...`) from `req.headers.host`, `req.get("host")`, `req.hostname` or
`X-Forwarded-Host`, in server code.

## Why it matters in production
The Host header is chosen by the client. A password-reset or verification e-mail whose link is
built from it can be made to point at the attacker's domain: the victim clicks a genuine e-mail
from the service and hands the reset token to the attacker (Host-header poisoning). Redirects and
absolute links built the same way are open redirects. Redirecting the same request (`res.redirect("https://" + req.get("host") +
req.url)`) is not reported: only the client that forged the header is affected.

## Example
```js
text: `Reset your password: http://${req.headers.host}/reset/${token}`,
```

## Use instead
```js
text: `Reset your password: ${process.env.BASE_URL}/reset/${token}`,   // configured, https
```

## Known limitations
A proxy that rewrites the Host header to a fixed value makes the code safe; prodready cannot see
that. Hosts validated against an allow-list in the same function are accepted.

## References
- https://portswigger.net/web-security/host-header/exploiting/password-reset-poisoning
- https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html
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
    id="PR-IV-104",
    name="js-host-header-url",
    category=Category.INPUT_VALIDATION,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Build absolute links from a configured base URL (BASE_URL/APP_URL), never from the request's Host header.",
    references=("https://portswigger.net/web-security/host-header/exploiting/password-reset-poisoning",),
)

HOST = lazy_compile(
    r"\b(req|request)\.(headers\.host\b|headers\[['\"](x-forwarded-)?host['\"]\]|get\(\s*['\"](x-forwarded-)?host['\"]\s*\)|hostname\b|host\b)",
    re.I,
)
ALLOW_LIST = lazy_compile(r"(?i)allowed_?hosts|trusted_?hosts|allow_?list|whitelist")


def _no_url_here(ctx: TreeContext) -> bool:
    """skip_file=: test code, a script, or a file without `://` (check reads only texts holding it)."""
    return js.test_or_script(ctx) or "://" not in ctx.text


@RULE.on_tree("template_string", "binary_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_url_here)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    if node.type == "binary_expression" and (node.parent is not None and node.parent.type == "binary_expression"):
        return  # judge the outermost concatenation once
    body = text(node)
    match = HOST.search(body)
    if match is None or "://" not in body:
        return
    ctx.examine(RULE)
    call = node.parent.parent if node.parent is not None and node.parent.type == "arguments" else None
    if call is not None and call.type == "call_expression" and js.callee(call).endswith(".redirect"):
        return  # redirecting the same client (http -> https) harms no one else
    func = js.enclosing_function(node)
    if func is not None and ALLOW_LIST.search(text(func)):
        return
    purpose = " in a reset/verification link" if re.search(r"(?i)reset|verify|confirm|token|activate|invite", body) else ""
    yield RULE.hit(node, f"absolute URL built from {match.group(0)}{purpose}: a forged Host header points the link at the attacker")
