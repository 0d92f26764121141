"""What to probe: routes from a saved static audit (``--from``), an OpenAPI document, or common paths."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from prodready.lazyre import lazy_compile
from prodready.runtime.model import RouteSpec

HEALTH_PATH = lazy_compile(
    r"(?i)(^|/)(health|healthz|healthcheck|health-check|health_check|livez|live|liveness|readyz|ready|"
    r"readiness|ping|status|alive|_health|heartbeat)(/|$)"
)
READY_PATH = lazy_compile(r"(?i)(^|/)(readyz|ready|readiness)(/|$)")
LIVE_PATH = lazy_compile(r"(?i)(^|/)(livez|live|liveness|healthz|health|alive|ping)(/|$)")
LOGIN_PATH = lazy_compile(
    r"(?i)(^|/)(login|log-in|signin|sign-in|sign_in|token|oauth|auth|authenticate|session|sessions|password|"
    r"reset-password|forgot-password|register|signup|sign-up|otp|mfa|2fa)(/|$)"
)
EXPENSIVE_PATH = lazy_compile(
    r"(?i)(^|/)(upload|uploads|generate|generation|export|import|report|reports|train|training|run|exec|"
    r"execute|jobs?|chat|completions?|predict|infer|inference|render|convert|transcode|search|batch)(/|$)"
)
# Public by design: never judged as "unprotected beside protected".
PUBLIC_PATH = lazy_compile(
    r"(?i)(^|/)(health\w*|livez|live|liveness|readyz|ready|readiness|ping|status|alive|metrics|docs|redoc|"
    r"openapi(\.json)?|swagger(\.json)?|favicon\.ico|robots\.txt|static|assets|public|login|logout|signin|"
    r"signup|register|token|oauth|auth|callback|version|\.well-known)(/|$)"
)
OPENAPI_PATHS = ("/openapi.json", "/swagger.json", "/v3/api-docs", "/api/openapi.json", "/api/docs/openapi.json",
                 "/docs/openapi.json", "/swagger/v1/swagger.json", "/api-docs")
COMMON_HEALTH = ("/health", "/healthz", "/livez", "/readyz", "/ready", "/live", "/api/health", "/status", "/ping")
COMMON_ROUTES = ("/", "/login", "/api/login", "/auth/login", "/token", "/api/token", "/api", "/admin", "/api/users",
                 "/users", "/me", "/api/me")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
PROBED_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"})

_PARAM = lazy_compile(r"\{([^}:]+)(?::[^}]*)?\}|<(?:([a-z_]+):)?([^>]+)>|(?<=/):([A-Za-z_]\w*)\??|\*\w*")
PLAUSIBLE_UUID = "00000000-0000-4000-8000-000000000001"


class AuditFileError(ValueError):
    """``--from`` names a file that is not a prodready JSON report."""


def fill_params(template: str) -> str:
    """/users/{user_id} -> /users/1; <uuid:key> -> a UUID; :slug -> test."""

    def value(match: re.Match[str]) -> str:
        name = (match.group(1) or match.group(3) or match.group(4) or "").lower()
        converter = (match.group(2) or "").lower()
        if match.group(0).startswith("*"):
            return "test"
        if "uuid" in name or converter == "uuid":
            return PLAUSIBLE_UUID
        if converter in {"int", "float"} or name == "id" or name.endswith(("_id", "id", "num", "number", "page")):
            return "1"
        return "test"

    path = _PARAM.sub(value, template)
    return path if path.startswith("/") else "/" + path


_PREFIX_SEGMENT = lazy_compile(r"(?i)^(api|rest|v\d+(\.\d+)?|public|private|internal)$")


def group_of(path: str) -> str:
    """Neighbours share the first meaningful segment: /api/v1/orders/{id} and /api/v1/orders -> orders;
    /admin/users and /admin/export -> admin."""
    parts = [p for p in path.split("/") if p]
    prefix = []
    for part in parts:
        if _PREFIX_SEGMENT.match(part):
            prefix.append(part)
            continue
        return "/" + "/".join([*prefix, part])
    return "/" + "/".join(prefix)


def spec(method: str, template: str, source: str, **extra: Any) -> RouteSpec:
    method = method.upper()
    route = RouteSpec(method=method, template=template, path=fill_params(template), source=source, **extra)
    route.takes_body = route.takes_body or method in BODY_METHODS
    if not route.group:
        route.group = group_of(template)
    return route


def routes_from_audit(path: Path) -> tuple[list[RouteSpec], dict[str, Any]]:
    """Routes with their auth/limit claims from a saved `prodready audit --format json` report."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditFileError(f"cannot read {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise AuditFileError(f"{path} is not JSON: {exc.msg} at line {exc.lineno}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("facts"), dict):
        raise AuditFileError(f"{path} is not a prodready audit report (no `facts`)")
    facts: dict[str, Any] = data["facts"]
    routes: list[RouteSpec] = []
    seen: set[tuple[str, str]] = set()
    for record in facts.get("routes", []) or []:
        if not isinstance(record, dict) or record.get("kind", "http") != "http":
            continue
        template = str(record.get("path") or "")
        if not template or "?" in template:
            continue
        if not template.startswith("/"):
            template = "/" + template
        methods = [str(record.get("method") or "GET").upper()]
        if methods == ["ANY"]:
            methods = ["GET"]
        for method in methods:
            if method not in PROBED_METHODS or (method, template) in seen:
                continue
            seen.add((method, template))
            routes.append(spec(
                method, template, "audit",
                auth=bool(record.get("auth")), rate_limited=bool(record.get("rate_limited")),
                expensive=str(record.get("expensive") or ""), file=record.get("file"), line=record.get("line"),
                handler=str(record.get("handler") or ""), calls=tuple(record.get("calls") or ()),
                todo=bool(record.get("todo")),
                group=str(record.get("router") or "") and f"{record.get('router')}{group_of(template)}",
            ))
    return routes, facts


def routes_from_openapi(document: dict[str, Any]) -> list[RouteSpec]:
    """Routes from an OpenAPI 3 / Swagger 2 document; `security` (global or per operation) = auth."""
    routes: list[RouteSpec] = []
    global_security = bool(document.get("security"))
    base = str(document.get("basePath") or "").rstrip("/")
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return routes
    for template, operations in paths.items():
        if not isinstance(operations, dict) or not isinstance(template, str):
            continue
        for method, operation in operations.items():
            if method.upper() not in PROBED_METHODS or not isinstance(operation, dict):
                continue
            security = operation.get("security")
            auth = bool(security) if security is not None else global_security
            takes_body = "requestBody" in operation or any(
                isinstance(p, dict) and p.get("in") == "body" for p in operation.get("parameters", []) or []
            )
            tags = operation.get("tags") or []
            group = f"tag:{tags[0]}" if tags and isinstance(tags[0], str) else ""
            routes.append(spec(method, base + template, "openapi", auth=auth, takes_body=takes_body, group=group))
    return routes


def common_routes() -> list[RouteSpec]:
    return [spec("GET", p, "common") for p in COMMON_ROUTES] + [spec("POST", p, "common") for p in
                                                                 ("/login", "/api/login", "/auth/login", "/token")]


def is_login(route: RouteSpec) -> bool:
    return bool(LOGIN_PATH.search(route.template)) and not HEALTH_PATH.search(route.template)


def is_expensive(route: RouteSpec) -> bool:
    return bool(route.expensive) or bool(EXPENSIVE_PATH.search(route.template))


def is_public(route: RouteSpec) -> bool:
    return bool(PUBLIC_PATH.search(route.template))
