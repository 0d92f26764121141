"""Login, token or admin route without a strict limit.

## What it does
In a service that has a rate limiter, reports login, token, password-reset, OTP/verification and
admin routes that have no limit of their own (no limit at all, or only the app-wide default). In a
service with no limiter at all, it reports the credential routes themselves (login, token, password
reset, OTP, sign-up) that accept writes, unless they sit behind authentication. In Node services it
also covers POST routes that create accounts, send mail (contact, invite, resend) or call a paid LLM
(`/ai/...`, `/chat`, `/completions`).

Each finding points at the route and also at its handler: the `def`/`func` and, when the handler
checks a password itself, that line (found by the handler's name in the project's files).

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
from pathlib import Path
from typing import Any

from prodready.engine.context import ProjectContext
from prodready.engine.safeio import read_head
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._handlers import CREDENTIAL_CHECK, with_handler_places
from prodready.rules._repo import RATE_LIMIT_PACKAGES
from prodready.rules._secretutil import snake_case
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

# (`/auth/local` is passport-local's password login)
SENSITIVE = lazy_compile(
    r"(?i)(login|signin|sign-in|signup|sign-up|register|token|password|reset|forgot|otp|verify|2fa|mfa|admin|(^|/)auth/local\b)"
)


JS_FRAMEWORKS = {"express", "nextjs", "koa", "fastify", "nestjs", "hono"}
# Node services: account creation, contact forms (both send mail) and paid LLM calls are abused the same way.
JS_SENSITIVE_POST = lazy_compile(
    r"(?i)(signup|sign-up|register|contact|invite|resend|magic-link"
    r"|(^|/)(ai|llm|chat|completions?|ask|agent|embeddings?)(/|$)|^/?(api/)?(v\d+/)?users/?$)"
)
ROUTE_SPECIFIC = ("route middleware", "in-handler", "@")
STRICT_NAME = lazy_compile(r"(?i)(strict|auth|login|brute|sensitive|signin|password|otp|account|slow)")


def _strictly_limited(route: Any) -> bool:
    """A limit of the route's own (route middleware, @Throttle, a dedicated auth limiter on its router)."""
    via = str(route.limit_via or "")
    if not route.rate_limited:
        return False
    if via.startswith(ROUTE_SPECIFIC):
        return True
    if via.startswith("app-wide"):
        return False
    if route.framework in JS_FRAMEWORKS:  # router.use(limiter): the router's default, strict only when named so
        return bool(STRICT_NAME.search(via.split("(", 1)[-1]))
    return True


LLM_PATH = lazy_compile(r"(?i)(^|/)(ai|llm|chat|completions?|ask|agent|embeddings?)(/|$)")
MAIL_PATH = lazy_compile(r"(?i)(contact|invite|resend|magic-link|forgot|signup|sign-up|register|^/?(api/)?(v\d+/)?users/?$)")


def _js_sensitive_post(path: str) -> bool:
    if LLM_PATH.search(path) and re.search(r"(?i)/(reset|clear|history|delete)/?$", path):
        return False  # clearing a chat session calls no model
    return bool(JS_SENSITIVE_POST.search(path))


def _abuse(path: str) -> str:
    if LLM_PATH.search(path):
        return "each call is a paid model request"
    if MAIL_PATH.search(path):
        return "mass sign-ups and mail bombing are free"
    return "brute force is cheap"


def _js_skip(route: Any) -> bool:
    """Node routes behind authentication (other than admin) are not the brute-force surface; resetting a chat
    session (`/ai/agent/reset`) is not a password reset."""
    if route.framework not in JS_FRAMEWORKS:
        return False
    housekeeping = LLM_PATH.search(route.path) and re.search(r"(?i)/(reset|clear|history|delete)/?$", route.path)
    # "protected" by checking the password in the handler: that check is the login being guessed at
    login_itself = str(route.auth_via or "").startswith("in-handler") and CREDENTIAL_CHECK.search(str(route.auth_via))
    return bool(housekeeping) or bool(route.auth) and not login_itself and "admin" not in route.path.lower()


def _js_no_limiter(ctx: ProjectContext) -> Iterator[Hit]:
    """A Node service with no limiter at all: its login, reset, signup and mail-sending routes are each open."""
    for route in ctx.model.http_routes():
        if route.framework not in JS_FRAMEWORKS or route.method in {"GET", "HEAD", "OPTIONS"}:
            continue
        login_post = route.method == "POST" and LOGIN_RESOURCE.search(route.path)
        elsewhere: tuple[tuple[str, int | None, str], ...] = ()
        if route.method in ("ANY", "*"):
            # a Next.js API file answers every method: what it does decides (POST /api/session that
            # checks the password is the login; /api/logins listing the providers is not)
            source = _route_source(ctx, route.file)
            checks_password = bool(CREDENTIAL_CHECK.search(source))
            authorize = NEXTAUTH_AUTHORIZE.search(source) if "CredentialsProvider" in source else None
            if authorize is not None:
                # NextAuth's credentials provider: its authorize() is the password login
                line = source.count("\n", 0, authorize.start()) + 1
                elsewhere = ((route.file, line, "CredentialsProvider authorize()"),)
                checks_password = True
                ctx.examine(RULE)
                yield Hit(line=route.line, path=route.file, elsewhere=elsewhere,
                          message=f"{route.method} {route.path} signs in with a password (NextAuth credentials) and the "
                          "service has no limiter: brute force is cheap")
                continue
            login_post = LOGIN_RESOURCE.search(route.path) and checks_password
            if LOGIN_WORD.search(route.path) and not ACCOUNT_FLOW.search(route.path) and not checks_password:
                continue
        if not (SENSITIVE.search(route.path) or _js_sensitive_post(route.path) or login_post) or _js_skip(route) or "admin" in route.path.lower():
            continue
        if re.search(r"(?i)refresh|logout|sign-?out", route.path):
            continue  # exchanging a random refresh token or ending a session is not a guessing target
        ctx.examine(RULE)
        yield Hit(
            line=route.line,
            path=route.file,
            message=f"{route.method} {route.path} has no rate limit and the service has no limiter: {_abuse(route.path)}",
        )
NEXTAUTH_AUTHORIZE = lazy_compile(r"\bauthorize\s*\(")
LOGIN_WORD = lazy_compile(r"(?i)(login|signin|sign-in|log-in|(^|/)auth/?$|(^|/)sessions?/?$)")
ACCOUNT_FLOW = lazy_compile(r"(?i)(reset|forgot|signup|sign-up|register|password|otp|verify|2fa|mfa|token)")


def _route_source(ctx: ProjectContext, path: str) -> str:
    return read_head(str(Path(ctx.model.root) / path), 200_000).decode("utf-8", "replace")


# POST /api/auth or /sessions with no authentication is the login (the resource is the session).
LOGIN_RESOURCE = lazy_compile(r"(?i)(^|/)(auth|sessions?)/?$")
# Without any limiter: the routes where guessing or account spam is the attack.
CREDENTIAL_PATH = lazy_compile(r"(?i)(login|signin|sign-in|log-in|signup|sign-up|register|token|password|reset|forgot|otp|2fa|mfa|(^|/)auth/?$|(^|/)auth/local\b)")
CREDENTIAL_HANDLER = lazy_compile(
    r"(?i)^(login|log_in|signin|sign_in|signup|sign_up|register|register_user|create_account|"
    r"login_user|user_login|authenticate|login_for_access_token|login_access_token|token|reset_password|"
    r"forgot_password)$"
)
# Go handlers are named in CamelCase with their resource: UsersLogin, UserRegistration, SignUpHandler.
GO_CREDENTIAL_HANDLER = lazy_compile(
    r"(^|_)(login|log_in|signin|sign_in|signup|sign_up|register|registration|authenticate|forgot_password|reset_password)(_|$)"
)
# "Auth" that a login route has by being the login: it checks the password itself, or the token is optional.
# HTTP Basic checks the password on the call itself: `@basic_auth.login_required` on POST /tokens is a login.
LOGIN_ITSELF = lazy_compile(r"(?i)in-handler|optional|basic|wrapped by [\w.]*session")
# POST /users with no authentication creates accounts: sign-up under another name.
OPEN_SIGNUP = lazy_compile(r"(?i)^/?(api/)?(v\d+/)?users/?$")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "ANY", "*"})


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    """Each open credential route, with its handler's password check (or its definition) as a
    further place: that is where the guessing happens, and where reviewers point."""
    yield from with_handler_places(ctx.model, _open_routes(ctx), credential_check=True)


def _open_routes(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    own_limiter = any(route.rate_limited for route in model.http_routes())  # the project's own middleware
    if not (model.has_signal("rate-limit") or model.has_dependency(*RATE_LIMIT_PACKAGES) or own_limiter):
        yield from _js_no_limiter(ctx)
        yield from _no_limiter(ctx)
        return
    scoped = [str(s.get("detail", "")) for s in model.signals("scoped-rate-limit")]
    if any(SENSITIVE.search(scope) or "auth" in scope.lower() for scope in scoped):
        return  # a dedicated limiter is mounted on the auth paths (app.use("/v1/auth", authLimiter))
    for route in model.http_routes():
        js_extra = route.framework in JS_FRAMEWORKS and route.method == "POST" and _js_sensitive_post(route.path)
        if not (SENSITIVE.search(route.path) or js_extra) or route.method == "GET" and "admin" not in route.path.lower():
            continue
        if _js_skip(route):
            continue
        if route.framework not in JS_FRAMEWORKS and _authenticated(route):
            continue  # behind authentication: the caller already proved who they are
        ctx.examine(RULE)
        strict = _strictly_limited(route) if route.framework in JS_FRAMEWORKS else route.rate_limited and not route.limit_via.startswith("app-wide")
        if not strict:
            detail = "only the app-wide limit" if route.rate_limited else "no limit"
            yield Hit(
                line=route.line,
                path=route.file,
                message=f"{route.method} {route.path} has {detail}: {_abuse(route.path) if route.framework in JS_FRAMEWORKS else 'brute force is cheap'}",
            )


# Paths a caller reaches before signing in: middleware in force there (an optional session or API-key
# loader, `r.With(keyAuth)`) cannot require a login, so it is no protection against guessing.
PRE_AUTH_PATH = lazy_compile(r"(?i)(login|log-in|signin|sign-in|forgot|signup|sign-up|register|request-?reset)")
# The login itself: what a handler does there to "authenticate" (compare the password, set the
# cookie) is the check being guessed at, not a protection of the route.
LOGIN_PATH = lazy_compile(r"(?i)((^|/)(login|log-in|signin|sign-in)/?$|(^|/)auth/local/?$)")


def _authenticated(route: Any) -> bool:
    if not route.auth or LOGIN_ITSELF.search(route.auth_via or ""):
        return False
    if LOGIN_PATH.search(route.path) and not str(route.auth_via or "").startswith(("middleware", "@")):
        return False
    # (only middleware inherited from a router or the app: a dependency on the route itself is meant)
    inherited = str(route.auth_via or "").startswith(("include_router(", "app-wide"))
    return not (inherited and PRE_AUTH_PATH.search(route.path))


def _no_limiter(ctx: ProjectContext) -> Iterator[Hit]:
    """No limiter anywhere (Python, Go): the credential routes are where guessing happens first."""
    for route in ctx.model.http_routes():
        if route.framework in JS_FRAMEWORKS or route.method.upper() not in WRITE_METHODS:
            continue
        if _authenticated(route):
            continue  # an authenticated route (change my password, test my token) is not a guessing target
        handler = (route.handler or "").rsplit(".", 1)[-1]
        open_signup = not route.auth and route.method.upper() == "POST" and OPEN_SIGNUP.search(route.path)
        go_credential = route.framework == "go" and GO_CREDENTIAL_HANDLER.search(snake_case(handler.split("(")[0]))
        if not (CREDENTIAL_PATH.search(route.path) or CREDENTIAL_HANDLER.match(handler) or open_signup or go_credential):
            continue
        if re.search(r"(?i)(logout|log-out|sign-?out|refresh)", route.path):
            continue  # ending a session or exchanging a random refresh token is not a guessing target
        ctx.examine(RULE)
        signup = open_signup or re.search(r"(?i)sign.?up|regist|create_account", f"{route.path} {handler}")
        reset = re.search(r"(?i)reset|forgot|recover", f"{route.path} {handler}")
        if signup:
            risk = "account spam is unbounded and each attempt costs a password hash"
        elif reset:
            risk = "reset-mail flooding and reset-token guessing are unbounded"
        else:
            risk = "password guessing is unbounded"
        yield Hit(
            line=route.line,
            path=route.file,
            message=f"{route.method} {route.path} ({handler or 'handler'}) has no rate limit or lockout: {risk}",
        )
