"""Server-rendered session app without CSRF protection (JS/TS)

## What it does
Reports an Express application that authenticates with a session cookie (`express-session`),
renders its pages on the server (`app.set("view engine", ...)`) and accepts POST/PUT/DELETE
forms, while no CSRF middleware is mounted anywhere (`csurf`, `csrf-csrf`, `csrf-sync`,
`lusca.csrf()` / `lusca({ csrf: true })`). When `lusca` is used only for headers, the finding
points at that use.

## Why it matters in production
The browser attaches the session cookie to any form posted to the site, including one on an
attacker's page: changing the e-mail or password, deleting the account or linking a provider can
be triggered by a visit. Templates that print a `_csrf` field protect nothing when no middleware
checks it.

## Example
```js
app.use(session({ secret, store }));
app.use(lusca.xframe("SAMEORIGIN"));
app.post("/account/password", isAuthenticated, postUpdatePassword);
```

## Use instead
```js
app.use(session({ secret, store, cookie: { sameSite: "lax", secure: true } }));
app.use(lusca.csrf());            // or csrf-csrf / csrf-sync
```

## Known limitations
CSRF checks written by hand (an Origin check middleware) are not recognised; suppress with that
reason.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-103",
    name="js-session-app-without-csrf",
    category=Category.AUTHENTICATION,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Mount CSRF middleware (lusca.csrf(), csrf-csrf or csrf-sync) after the session middleware and send the token with every form.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    sessions = model.signals("cookie-session")
    if not sessions or not model.has_signal("server-rendered-views"):
        return
    writes = [r for r in model.http_routes() if r.framework == "express" and r.method in {"POST", "PUT", "PATCH", "DELETE"}]
    if not writes:
        return
    ctx.examine(RULE)
    if model.has_signal("csrf"):
        return
    lusca = model.signals("lusca-headers")
    where = lusca[0] if lusca else sessions[0]
    via = "lusca is mounted only for headers and " if lusca else ""
    yield Hit(
        line=where.get("line"),
        path=where.get("file"),
        message=f"session-cookie app with {len(writes)} form routes (e.g. {writes[0].method} {writes[0].path}): {via}no CSRF middleware is mounted",
    )
