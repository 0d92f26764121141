"""Login, token or admin route without a strict limit.

## What it does
Reports login, token, sign-up/registration, password-reset, OTP/verification and admin routes
that have no limit of their own (no limit at all, or only the app-wide default). In a service with
no rate limiter at all, reports the credential routes (login, token, sign-up, password reset:
write methods, recognised by path or handler name such as `register_user`).

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

SENSITIVE = re.compile(
    r"(?i)(login|signin|sign-in|signup|sign-up|register|token|password|reset|forgot|otp|verify|2fa|mfa|admin)"
)
# Without any limiter: the routes where guessing or account spam is the attack.
CREDENTIAL_PATH = re.compile(r"(?i)(login|signin|sign-in|signup|sign-up|register|token|password|forgot|otp)")
CREDENTIAL_HANDLER = re.compile(
    r"(?i)^(login|log_in|signin|sign_in|signup|sign_up|register|register_user|create_account|"
    r"login_user|user_login|authenticate|login_for_access_token|login_access_token|token|reset_password|"
    r"forgot_password)$"
)
# "Auth" that a login route has by being the login: it checks the password itself, or the token is optional.
LOGIN_ITSELF = re.compile(r"(?i)in-handler|optional")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "ANY", "*"})


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    if not (model.has_signal("rate-limit") or model.has_dependency(*RATE_LIMIT_PACKAGES)):
        yield from _no_limiter(ctx)
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


def _no_limiter(ctx: ProjectContext) -> Iterator[Hit]:
    for route in ctx.model.http_routes():
        if route.method.upper() not in WRITE_METHODS:
            continue
        if route.auth and not LOGIN_ITSELF.search(route.auth_via):
            continue  # an authenticated route (change my password, test my token) is not a guessing target
        handler = (route.handler or "").rsplit(".", 1)[-1]
        if not (CREDENTIAL_PATH.search(route.path) or CREDENTIAL_HANDLER.match(handler)):
            continue
        ctx.examine(RULE)
        signup = re.search(r"(?i)sign.?up|regist|create_account", f"{route.path} {handler}")
        reset = re.search(r"(?i)reset|forgot|recover", f"{route.path} {handler}")
        if signup:
            risk = "account spam is unbounded and each attempt costs a password hash"
        elif reset:
            risk = "reset-mail flooding and reset-token guessing are unbounded"
        else:
            risk = "password guessing is unbounded and each attempt costs a password hash"
        yield Hit(
            line=route.line,
            path=route.file,
            message=f"{route.method} {route.path} ({handler or 'handler'}) has no rate limit or lockout: {risk}",
        )
