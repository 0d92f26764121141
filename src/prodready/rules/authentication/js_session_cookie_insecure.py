"""express-session cookie without `secure` (JS/TS)

## What it does
Flags `session({...})` from `express-session` whose options set no `cookie.secure` (no `cookie`
object at all, or one without `secure`, pointing at that object) or hard-code `secure: false`. It also names a missing `maxAge` (a browser-session
cookie that lives as long as the browser) and the default `connect.sid` name.

## Why it matters in production
Without `secure`, the session cookie is also sent over plain HTTP: any redirect, mixed-content
request or downgraded connection hands the session id to whoever is on the network path, and the
account with it. Without `maxAge` the expiry is left to the browser.

## Example
```js
app.use(session({ secret: SESSION_SECRET, resave: false, saveUninitialized: false, store }));
```

## Use instead
```js
app.set("trust proxy", 1);
app.use(session({
  secret: SESSION_SECRET, name: "sid", resave: false, saveUninitialized: false, store,
  cookie: { secure: true, httpOnly: true, sameSite: "lax", maxAge: 14 * 24 * 3600 * 1000 },
}));
```

## Known limitations
A cookie object built in another module is not read; `secure` set from a variable is accepted.

## References
- https://github.com/expressjs/session#cookiesecure
- https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-107",
    name="js-session-cookie-insecure",
    # (was PR-CF-104 under configuration: the session cookie is how users stay authenticated, and the
    # Go twin, PR-AU-203, was already an authentication rule)
    aliases=("PR-CF-104",),
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Set cookie: { secure: true, httpOnly: true, sameSite, maxAge } (with app.set('trust proxy', 1) behind a proxy) and a custom name.",
    references=("https://github.com/expressjs/session#cookiesecure",),
)


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    options = None if ctx.is_test_file else js.express_session_options(node, ctx.imports)
    if options is None or any(c.type == "spread_element" for c in options.named_children):
        return
    ctx.examine(RULE)
    cookie = js.object_value(options, "cookie")
    if cookie is not None and cookie.type != "object":
        return  # built elsewhere
    if cookie is not None and js.object_has_key(cookie, "secure"):
        secure = js.object_value(cookie, "secure")
        if secure is not None and text(secure).strip() == "false":
            # hard-coded off: the reviewer points at the setting itself
            yield RULE.hit(secure, "express-session cookie with `secure: false` hard-coded: the session id also travels over plain HTTP, even on an HTTPS deployment")
        return
    missing = ["secure"]
    if cookie is None or not (js.object_has_key(cookie, "maxAge") or js.object_has_key(cookie, "expires")):
        missing.append("maxAge")
    named = "" if js.object_has_key(options, "name") else " and keeps the default connect.sid name"
    # the cookie options are where `secure` is missing: point there when they are written out
    at = cookie.parent if cookie is not None and cookie.parent is not None else node
    yield RULE.hit(at, f"express-session cookie without {'/'.join(missing)}{named}: the session id also travels over plain HTTP")
