"""Route without authentication beside protected routes.

## What it does
Uses the routes prodready extracted (FastAPI/Flask/Starlette, Express, Next.js, Go) with how each
one is protected. In a file where some routes require authentication (a `Depends(get_current_user)`,
`@login_required`, auth middleware on the router), reports each route that does not — ignoring
health, metrics, docs, login/register/token/password-reset, contact/newsletter forms, public, static,
webhook and OPTIONS routes. Express middleware is read in order: `router.use(auth)` protects the
routes registered after it, `app.use("/admin", auth)` the routes under that prefix, and middleware
arrays (`[auth, isAdmin]`) count like listed middleware. A file none of whose routes is protected, in a
service that protects routes elsewhere, has each PUT/PATCH/DELETE route that writes to storage reported;
when such a Python router serves the file system or sensitive reads, the `include_router` line that
mounts it open is reported instead. A route given its own rate limiter and no
authentication (`app.post("/upload", uploadLimiter, ...)`) is taken as deliberately anonymous. When a service has several non-public routes, changes data, and *no* route is protected, it
reports that once, and reports each POST/PUT/PATCH/DELETE route whose handler writes to storage
(`crud.delete(...)`, `session.commit()`, `repo.update(...)`, `obj.save()`): an echo or demo API that
stores nothing is not a defect, a CRUD API anyone can write to and delete from is.

## Why it matters in production
An endpoint added next to protected ones without the dependency is the classic broken access
control bug: anyone can call it. The evidence names the protected neighbours, so the fix is
usually one line.

## Example
```python
@router.get("/orders")
def list_orders(user=Depends(get_current_user)): ...

@router.post("/orders/{order_id}/refund")
async def refund(order_id: str): ...        # no auth
```

## Use instead
```python
router = APIRouter(dependencies=[Depends(get_current_user)])   # protect the whole router
```

## Known limitations
Authentication enforced outside the code (an API gateway, a service mesh) or in custom middleware
prodready cannot read is not seen; suppress with where it happens.

## References
- https://owasp.org/Top10/A01_2021-Broken_Access_Control/
- https://fastapi.tiangolo.com/tutorial/security/
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.project import is_go_mount
from prodready.rules._go_http import non_production
from prodready.rules._repo import main_path
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-001",
    name="unauthenticated-route",
    category=Category.AUTHENTICATION,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Add the authentication dependency/middleware to the route (or to its router) like its neighbours.",
    references=("https://owasp.org/Top10/A01_2021-Broken_Access_Control/",),
)

PUBLIC = lazy_compile(
    r"(?i)(health|healthz|livez|liveness|readiness|readyz|ready|ping|status|metrics|docs|openapi|swagger|redoc|favicon|robots|"
    r"login|logout|signin|sign-in|signup|sign-up|register|token|refresh|oauth|callback|auth|password|reset|"
    r"forgot|verify|confirm|activate|invite|public|static|assets|webhook|version|well-known|csrf|captcha|"
    r"contact|feedback|newsletter|subscribe)"
)

ADMIN_AREA = lazy_compile(r"(?i)(^|/)(admin|internal)(/|$)")
PROBE = lazy_compile(r"(?i)(health|healthz|livez|liveness|readiness|readyz|ping|metrics)(/|$)")
# A path parameter followed by refresh/status: an action on one record (`/jobs/{id}/refresh`).
RESOURCE_ACTION = lazy_compile(r"(?i)(/:\w+|/\{\w+\}|/<[^>]+>)/(refresh|status|sync)/?$")

# A private record addressed by its id: /conversations/{id}/history, /messages/:id, /transcripts/<id>.
PRIVATE_RECORD = lazy_compile(
    r"(?i)/(conversations?|messages?|chats?|sessions?|transcripts?|histor(y|ies)|invoices?|orders?|documents?|"
    r"uploads?|files?|exports?|reports?|jobs?)/(\{\w+\}|:\w+|<[^>]+>)(/|$)"
)

SENSITIVE_READ = lazy_compile(
    r"(?i)(^|/)(admin|internal|exports?|downloads?|private|settings|accounts?|billing|payments?|invoices?|"
    r"orders?|messages?|conversations?|chats?|me|secrets?|keys?|tokens?|uploads|files?|reports?|audit|logs?)"
    r"(/|$|\{|-|_|:)"
)
# Callees (last one or two names) that persist or delete data.
WRITES = lazy_compile(
    r"(?i)(^|\.)(crud|repo|repository|repositories|store|dao|db|session|objects|collection|table|model)s?\."
    r"(\w*(create|insert|update|upsert|delete|remove|put|post|save|add|patch|edit|destroy|write)\w*|commit|flush|"
    r"execute)$|(^|\.)(save|commit|delete|delete_one|delete_many|insert_one|insert_many|update_one|update_many|"
    r"bulk_create|bulk_update|destroy|upsert)$"
)
SIGNUP = lazy_compile(r"(?i)^/?(api/)?(v\d+/)?(users?|accounts?|members?)/?$")
# A POST whose handler hashes a new password creates an account: sign-up is public by design.
PASSWORD_HASHING = lazy_compile(r"(?i)(^|\.)(get_password_hash|hash_password|password_hash|make_password|generate_password_hash|hashpw|set_password)$")


def is_public(path: str, method: str) -> bool:
    if method in {"OPTIONS", "HEAD"} or path in {"/", "", "?"}:
        return True
    if ADMIN_AREA.search(path):
        # Under /admin a word like "refresh", "status" or "token" names an admin action on a
        # resource (refresh a series, revoke a token), not the public login flow.
        return bool(PROBE.search(path))
    # `/series/:id/refresh` is an action on a record, not a token refresh.
    if PUBLIC.search(path) and not RESOURCE_ACTION.search(path):
        return True
    if method == "GET" and not SENSITIVE_READ.search(path):
        return True  # public reads beside protected writes are a common, deliberate design
    return method == "POST" and bool(SIGNUP.match(path))  # creating an account


def _creates_account(route: Any) -> bool:
    return route.method == "POST" and any(PASSWORD_HASHING.search(call) for call in route.calls)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    # Django decides auth in views and middleware settings prodready does not read: skip its routes.
    # Go mounts (`mux.Handle("/v1/", api.NewHandler(...))`) hand the request to a sub-handler that
    # checks (or not) on its own: the routes it registers are judged, not the mount.
    routes = [r for r in ctx.model.routes if r.kind == "http" and r.framework != "django" and not is_go_mount(r)]
    if not routes:
        return
    by_file = defaultdict(list)
    for route in routes:
        by_file[route.file].append(route)
    any_protected = any(r.auth for r in routes)
    elsewhere = next((r for r in routes if r.auth), None)
    open_routers = _open_sensitive_routers(ctx, by_file) if elsewhere is not None else {}
    for _file, members in sorted(by_file.items()):
        protected = [r for r in members if r.auth]
        if not protected:
            if elsewhere is not None and _file not in open_routers:
                yield from _open_modifications(ctx, members, elsewhere)
            continue
        ctx.examine(RULE)
        if all(_checks_itself(r) for r in protected) and 2 * len(protected) < len(members):
            # a few Go handlers that check a token themselves say little about how the others are
            # protected (wrappers like `handler.User(f)` that prodready does not follow)
            continue
        how = protected[0].auth_via or "authentication"
        for route in members:
            if route.auth or is_public(route.path, route.method) or route.limit_via == "route middleware" or _creates_account(route):
                continue  # a limiter on the route itself and no auth: anonymous callers are expected and bounded
            yield Hit(
                line=route.line,
                path=route.file,
                message=f"{route.method} {route.path} has no authentication while {len(protected)} other route(s) here use {how}",
            )
    for file, include in sorted(open_routers.items()):
        members = by_file[file]
        private = [r for r in members if not is_public(r.path, r.method) or (r.expensive or "").startswith("touches")]
        if len(private) == 1:
            # one open route: the reviewer names the route, not the mount
            route = private[0]
            yield Hit(line=route.line, path=route.file,
                      message=f"{route.method} {route.path} has no authentication while other routers require it")
            continue
        shown = ", ".join(f"{r.method} {r.path}" for r in members[:3]) + (" …" if len(members) > 3 else "")
        yield Hit(
            line=include.get("line"),
            path=str(include["file"]),
            message=f"router of {file} is mounted with no authentication while other routes require it: {shown}",
        )
    if not any_protected:
        private = [r for r in routes if not is_public(r.path, r.method)]
        mutating = [r for r in private if r.method in {"POST", "PUT", "PATCH", "DELETE"}]
        ctx.examine(RULE)
        # a handful of private routes, or any that changes or deletes an existing record
        if mutating and (len(private) >= 3 or any(r.method in {"PUT", "PATCH", "DELETE"} for r in mutating)) \
                and not _checks_in_handlers(ctx.model, mutating):
            yield Hit(
                line=None,
                path=main_path(ctx.model),
                message=f"none of {len(private)} routes requires authentication ({len(mutating)} change data)",
            )
            for route in mutating:
                writes = _writes(route)
                if writes:
                    yield Hit(
                        line=route.line,
                        path=route.file,
                        message=f"{route.method} {route.path} writes data ({writes}()) "
                        "and requires no authentication: anyone can change or delete records",
                    )
                elif (route.file.endswith(".go") and not route.calls and route.method in {"POST", "PUT", "PATCH", "DELETE"}
                      and not non_production(route.file, False) and not route.configured_path):
                    # Go handlers are not read for their calls: a create/update/delete route of a
                    # service that authenticates nothing is reported as such
                    yield Hit(
                        line=route.line,
                        path=route.file,
                        message=f"{route.method} {route.path} changes data and requires no authentication: "
                        "no route of this service authenticates its caller",
                    )
            for route in private:
                if route.method == "GET" and PRIVATE_RECORD.search(route.path):
                    yield Hit(
                        line=route.line,
                        path=route.file,
                        message=f"GET {route.path} returns one user's record to anyone who has (or guesses) its id: "
                        "no authentication anywhere in the service",
                    )


def _checks_itself(route: Any) -> bool:
    """A Go route protected only because its handler function checks auth itself."""
    return route.framework == "go" and str(route.auth_via or "").startswith("parameter annotated")


def _open_sensitive_routers(ctx: ProjectContext, by_file: dict[str, list[Any]]) -> dict[str, Any]:
    """Python routers included into the app (`app.include_router(filesystem.router)`) none of whose
    routes is protected, that serve the file system or sensitive data, in a service that protects
    other routes: one finding at the include, the line that mounts them open."""
    found: dict[str, Any] = {}
    for include in ctx.model.facts.get("router_include", []):
        module = str(include.get("router", "")).rsplit(".", 1)[0]
        path = module.replace(".", "/") + ".py"
        candidates = [f for f in by_file if f == path or f.endswith("/" + path) or f.endswith("/" + module.rsplit(".", 1)[-1] + ".py") and f.startswith(module.split(".")[0])]
        if not candidates or include.get("auth_via"):
            continue
        members = by_file[candidates[0]]
        if any(r.auth for r in members) or not members:
            continue
        private = [r for r in members if not is_public(r.path, r.method) or (r.expensive or "").startswith("touches")]
        if not private or not any((r.expensive or "").startswith("touches") or SENSITIVE_READ.search(r.path) for r in private):
            continue
        found[candidates[0]] = include
        ctx.examine(RULE)
    return found


# A handler that checks the session itself: passport's req.isAuthenticated(), Django/Flask-Login's
# is_authenticated, an explicit 401 answer.
IN_HANDLER_CHECK = lazy_compile(r"\bisAuthenticated\(\)|\.is_authenticated\b|\bisLoggedIn\(|status\(401\)|abort\(401\)|StatusUnauthorized")


def _checks_in_handlers(model: Any, routes: list[Any]) -> bool:
    """Whether the files that define these routes' handlers check the caller themselves in several
    places: the route table says nothing then, and "nothing requires authentication" would be wrong."""
    from pathlib import Path

    from prodready.engine.safeio import read_regular

    route_dirs = {r.file.rsplit("/", 1)[0] if "/" in r.file else "" for r in routes}
    checked = 0
    for path in model.source_files[:2000]:
        directory = path.rsplit("/", 1)[0] if "/" in path else ""
        if not any(d == "" or directory == d or directory.startswith(d + "/") or d.startswith(directory + "/") for d in route_dirs):
            continue
        try:
            text = read_regular(str(Path(model.root) / path), 512_000, truncate=True).decode("utf-8", "replace")
        except OSError:
            continue
        if IN_HANDLER_CHECK.search(text):
            checked += 1
            if checked >= 3:
                return True
    return False


def _writes(route: Any) -> str:
    """The first storage write in the handler (`Stuff.delete`), or ""."""
    for call in route.calls:
        last_two = ".".join(call.split(".")[-2:])
        if WRITES.search(last_two):
            return last_two
    return ""


def _open_modifications(ctx: ProjectContext, members: list[Any], protected: Any) -> Iterator[Hit]:
    """A file of routes none of which is protected, in a service that protects routes elsewhere: its
    PUT/PATCH/DELETE handlers that write to storage change or delete records for anyone. (POSTs are left
    alone: anonymous creation — a contact form, a link shortener — is often the product.)"""
    ctx.examine(RULE)
    for route in members:
        if route.method not in {"PUT", "PATCH", "DELETE"} or is_public(route.path, route.method):
            continue
        writes = _writes(route)
        if writes:
            yield Hit(
                line=route.line,
                path=route.file,
                message=f"{route.method} {route.path} writes data ({writes}()) and requires no authentication, "
                f"while {protected.method} {protected.path} ({protected.file}) uses {protected.auth_via or 'authentication'}",
            )
