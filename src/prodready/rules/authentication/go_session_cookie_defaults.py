"""Session cookie left at insecure defaults.

## What it does
Flags gorilla `sessions.NewCookieStore` / `NewFilesystemStore` and gin-contrib `cookie.NewStore` /
`redis.NewStore` when the file never sets the store's options with `HttpOnly: true` and
`Secure: true` (`store.Options = &sessions.Options{...}` / `store.Options(sessions.Options{...})`).
In Flask services that log users in (Flask-Login, or `session[...]` writes in login code), reports
once, at the settings module, that `SESSION_COOKIE_SECURE` (and `REMEMBER_COOKIE_SECURE` for
Flask-Login) is set nowhere.

## Why it matters in production
The default options are `Path: "/"` and a 30-day `MaxAge` with `HttpOnly` and `Secure` false and no
`SameSite`: any XSS can read the session cookie, it travels over plain HTTP, and cross-site requests
carry it. A stolen cookie stays valid for a month.

## Example
```go
var Store = sessions.NewCookieStore([]byte(os.Getenv("SESSION_KEY")))
```

## Use instead
```go
Store.Options = &sessions.Options{
    Path: "/", MaxAge: 8 * 3600, HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode,
}
```

## Known limitations
Options set in another file than the store's creation are not seen.

## References
- https://pkg.go.dev/github.com/gorilla/sessions#Options
- https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext, TreeContext
from prodready.lang import golang as go
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-203",
    name="go-session-cookie-defaults",
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO, Language.PYTHON}),
    fix="Set the store's Options: HttpOnly true, Secure true, SameSite Lax/Strict and a short MaxAge.",
    references=("https://pkg.go.dev/github.com/gorilla/sessions#Options",),
)

STORES = {"sessions.NewCookieStore", "sessions.NewFilesystemStore", "cookie.NewStore", "redis.NewStore", "memstore.NewStore"}


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=STORES.__contains__, skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if name not in STORES or non_production(ctx.path, ctx.is_test_file):
        return
    module = ctx.imports.get(name.split(".")[0], "")
    if "sessions" not in module:
        return
    ctx.examine(RULE)
    if re.search(r"HttpOnly:\s*true", ctx.text) and re.search(r"Secure:\s*(true|\w)", ctx.text):
        return
    yield RULE.hit(node, f"{name}() keeps the default cookie options: no HttpOnly/Secure/SameSite, 30-day lifetime")



@RULE.on_project
def check_flask(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    if "flask" not in model.frameworks:
        return
    logs_in = model.has_dependency("flask-login", "flask_login", "flask-security", "flask-security-too") or model.has_signal("flask-session-login")
    if not logs_in:
        return
    ctx.examine(RULE)
    if model.has_signal("session-cookie-secure"):
        return
    settings = next(
        (str(v.file) for v in model.env_vars if v.name in {"SECRET_KEY", "FLASK_SECRET_KEY", "DATABASE_URL"} and not str(v.file).startswith("tests/")),
        None,
    )
    apps = [a for a in model.facts.get("app", []) if a.get("framework") == "flask"]
    yield Hit(
        line=None,
        path=settings or (str(apps[0]["file"]) if apps else None),
        message="SESSION_COOKIE_SECURE / REMEMBER_COOKIE_SECURE are never set: the login cookies are also sent over plain HTTP",
    )
