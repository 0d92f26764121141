"""Login, token or admin route without a strict limit.

## What it does
In a service that has a rate limiter, reports login, token, password-reset, OTP/verification and
admin routes that have no limit of their own (no limit at all, or only the app-wide default). In a
service with no limiter at all, reports the credential routes themselves (login, token, password
reset, OTP) that accept POST.

## Why it matters in production
These are the routes attackers brute-force: credential stuffing on login, guessing reset codes,
hammering admin APIs. The general limit sized for normal traffic (say 60/minute) still allows
tens of thousands of password guesses a day per address.

## Example
```python
@app.post("/auth/login")
def login(form: LoginForm): ...
```

## Use instead
```python
@app.post("/auth/login")
@limiter.limit("5/minute")
def login(request: Request, form: LoginForm): ...
```

## Known limitations
Lockout logic inside the handler (failed-attempt counters) is not recognised.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#protect-against-automated-attacks
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._repo import RATE_LIMIT_PACKAGES
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RA-002",
    name="auth-route-without-strict-limit",
    category=Category.RATE_LIMITING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Put a stricter per-route limit (per IP and per account) on login, token, reset and admin routes.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html",),
)

SENSITIVE = re.compile(r"(?i)(login|signin|sign-in|token|password|reset|forgot|otp|verify|2fa|mfa|admin)")


CREDENTIAL = re.compile(r"(?i)(login|signin|sign-in|log-in|token|password|reset|forgot|otp|2fa|mfa|(^|/)auth/?$)")


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    if not (model.has_signal("rate-limit") or model.has_dependency(*RATE_LIMIT_PACKAGES)):
        yield from _unlimited_service(ctx)
        return
    scoped = [str(s.get("detail", "")) for s in model.signals("scoped-rate-limit")]
    if any(SENSITIVE.search(scope) or "auth" in scope.lower() for scope in scoped):
        return  # a dedicated limiter is mounted on the auth paths (app.use("/v1/auth", authLimiter))
    for route in model.http_routes():
        if not SENSITIVE.search(route.path) or route.method == "GET" and "admin" not in route.path.lower():
            continue
        ctx.examine(RULE)
        if not route.rate_limited or route.limit_via.startswith("app-wide"):
            detail = "only the app-wide limit" if route.rate_limited else "no limit"
            yield Hit(
                line=route.line,
                path=route.file,
                message=f"{route.method} {route.path} has {detail}: brute force is cheap",
            )


def _unlimited_service(ctx: ProjectContext) -> Iterator[Hit]:
    """No limiter anywhere: the credential routes are where brute force happens first."""
    for route in ctx.model.http_routes():
        if not CREDENTIAL.search(route.path) or route.method not in {"POST", "ANY"}:
            continue
        if re.search(r"(?i)(logout|refresh)", route.path):
            continue
        ctx.examine(RULE)
        yield Hit(
            line=route.line,
            path=route.file,
            message=f"{route.method} {route.path} takes credentials with no rate limit: unlimited guessing",
        )
