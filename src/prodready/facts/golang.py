"""Go facts: frameworks, app entry points, routes with auth/limit, env vars, clients, signals."""

from __future__ import annotations

import re
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import descendants, field, line_of, scan, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Language
from prodready.rules._go_http import in_test_file, package_var_writes, package_vars
from prodready.rules._secretutil import snake_case
from prodready.rules.base import FactCollector

FACTS = FactCollector("go")

FRAMEWORKS = {
    "net/http": "net/http", "github.com/gin-gonic/gin": "gin", "github.com/labstack/echo/v4": "echo",
    "github.com/labstack/echo": "echo", "github.com/go-chi/chi/v5": "chi", "github.com/go-chi/chi": "chi",
    "github.com/gorilla/mux": "gorilla/mux", "github.com/gorilla/websocket": "gorilla/websocket",
    "github.com/gofiber/fiber/v2": "fiber",
}
SIGNAL_IMPORTS = (
    ("metrics", lazy_compile(r"prometheus/client_golang|go\.opentelemetry\.io/otel/metric|expvar")),
    ("tracing", lazy_compile(r"go\.opentelemetry\.io/otel|opentracing|jaeger|datadog")),
    ("rate-limit", lazy_compile(r"golang\.org/x/time/rate|tollbooth|ulule/limiter|httprate|go-limiter")),
    ("cors", lazy_compile(r"rs/cors|gin-contrib/cors|labstack/echo.*/middleware|go-chi/cors")),
    ("structured-logging", lazy_compile(r"go\.uber\.org/zap|rs/zerolog|log/slog|sirupsen/logrus|go-kit/log|hashicorp/go-hclog|charmbracelet/log|apex/log|golang/glog|inconshreveable/log15")),
    ("request-id", lazy_compile(r"requestid|request_id|google/uuid")),
)
ROUTE_METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "Any", "Get", "Post", "Put", "Delete", "Patch", "Head", "Options", "Handle", "HandleFunc", "Match"}
AUTH = lazy_compile(r"(?i)(auth|jwt|token|requirelogin|loginrequired|require|protect|verify|apikey|api_key|bearer|guard|permission)")
LIMIT = lazy_compile(r"(?i)(rate|limit|throttl|tollbooth)")
CLIENTS = {"mongo.Connect": "mongo", "redis.NewClient": "redis", "sql.Open": "sql", "pgxpool.New": "postgres", "gorm.Open": "sql"}


# Compiled once here, not looked up in re's cache for every call of every file.
HANDLER_PARAMS = lazy_compile(r"http\.ResponseWriter|gin\.Context|echo\.Context|fiber\.Ctx")
ENV_HELPER = lazy_compile(r"(?i)(get_?env\w*|env_?or\w*|lookup_?env\w*|must_?env\w*)")
IN_HANDLER_AUTH = lazy_compile(
    r"(?i)^([\w.]*\.)?((validate|verify|check|authenticate|authorize|require|ensure)\w*(token|jwt|auth|session|login|user)\w*|"
    r"is_?logged_?in|is_?authenticated)$|^jwt\.Parse\w*$"
)


def _emit_self_authenticating_handlers(root: Any, ctx: TreeContext) -> None:
    """`func GetTasks(w, r) { ... ValidateToken(token) ... }`: the handler checks auth itself."""
    package = next((text(c.named_children[0]) for c in root.named_children if c.type == "package_clause" and c.named_children), "")
    for func in root.named_children:
        if func.type != "function_declaration":
            continue
        params = field(func, "parameters")
        if params is None or not HANDLER_PARAMS.search(text(params)):
            continue
        check = next((go.callee(c) for c in descendants(func, "call_expression") if IN_HANDLER_AUTH.match(go.callee(c))), None)
        if check:
            name = text(field(func, "name"))
            ctx.emit("dependency_alias", line=line_of(func), alias=f"{package}.{name}", dependency=check, auth=True)


def _websocket_like(path: str, handler: str) -> bool:
    """`/ws`, `serveWs`, `websocketHandler` — but not `views.X` (which merely contains "ws")."""
    if re.search(r"(?i)socket", path + handler):
        return True
    tokens = re.split(r"[^a-z0-9]+", snake_case(path + " " + handler))
    return "ws" in tokens or "wss" in tokens


@FACTS.on_tree("source_file", languages=(Language.GO,), skip_file=in_test_file)
def collect(root: Any, ctx: TreeContext) -> None:
    if ctx.path.endswith("_test.go"):
        return
    paths = set(ctx.imports.values())
    for import_path in sorted(paths):
        if import_path in FRAMEWORKS:
            ctx.emit("framework", name=FRAMEWORKS[import_path])
        for name, pattern in SIGNAL_IMPORTS:
            if pattern.search(import_path):
                ctx.emit("signal", name=name, detail=f"imports {import_path}")
    router_auth: dict[str, str] = {}
    router_limit: dict[str, str] = {}
    group_prefix: dict[str, str] = {}
    calls = list(descendants(root, "call_expression"))
    # Router-level middleware first: r.Use(AuthMiddleware), api := r.Group("/api", Auth())
    for call in calls:
        parts = go.call_parts(call)
        if parts is None:
            continue
        owner, method = parts
        if method == "Use":
            for arg in go.call_args(call):
                arg_text = text(arg)
                if AUTH.search(arg_text) and not LIMIT.search(arg_text):
                    router_auth[owner] = f"{owner}.Use({arg_text[:40]})"
                if LIMIT.search(arg_text):
                    router_limit[owner] = f"{owner}.Use({arg_text[:40]})"
                    ctx.emit("signal", line=line_of(call), name="rate-limit", detail=arg_text[:60])
        elif method in {"Group", "Route"}:
            args = go.call_args(call)
            parent = call.parent
            while parent is not None and parent.type not in {"short_var_declaration", "assignment_statement"}:
                if parent.type in {"block", "source_file"}:
                    parent = None
                    break
                parent = parent.parent
            if parent is not None:
                left = field(parent, "left")
                name = text(left.named_children[0]) if left is not None and left.named_children else ""
                prefix = go.string_arg(call) or ""
                group_prefix[name] = group_prefix.get(owner, "") + prefix
                for arg in args[1:]:
                    if AUTH.search(text(arg)):
                        router_auth[name] = f"group {prefix} {text(arg)[:40]}"
                if owner in router_auth:
                    router_auth.setdefault(name, router_auth[owner])
    for call in calls:
        name = go.callee(call)
        parts = go.call_parts(call)
        line = line_of(call)
        if name in {"http.ListenAndServe", "http.ListenAndServeTLS"} or (parts and parts[1] in {"ListenAndServe", "ListenAndServeTLS", "Run", "Start", "Listen"} and parts[0] not in {"http"}):
            if parts and (parts[1] in {"ListenAndServe", "ListenAndServeTLS"} or parts[0] in {"r", "router", "e", "app", "engine", "server", "srv"}):
                ctx.emit("app", line=line, framework="go", name=name)
        if parts and parts[1] == "Shutdown":
            ctx.emit("signal", line=line, name="graceful-shutdown", detail=name)
        if name == "http.MaxBytesReader":
            ctx.emit("signal", line=line, name="body-limit", detail=name)
        if name in {"os.Getenv", "os.LookupEnv"}:
            key = go.string_arg(call)
            if key:
                ctx.emit("env_var", line=line, name=key, default=None, has_default=False)
        elif ENV_HELPER.fullmatch(name) and len(go.call_args(call)) >= 2:
            key, default = go.string_arg(call, 0), go.string_arg(call, 1)
            if key:
                ctx.emit("env_var", line=line, name=key, default=default, has_default=default is not None)
        if name in CLIENTS:
            ctx.emit("client", line=line, kind=CLIENTS[name], call=name)
            ctx.emit("signal", line=line, name="redis" if CLIENTS[name] == "redis" else "db", detail=name)
        if parts is None:
            continue
        owner, method = parts
        if method not in ROUTE_METHODS:
            continue
        args = go.call_args(call)
        path = go.string_arg(call)
        if path is None or not (path.startswith("/") or path == ""):
            if method == "Handle" and len(args) >= 3:
                path = go.string_arg(call, 1)
            if path is None or not path.startswith("/"):
                continue
        verb = method.upper() if method.upper() in {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"} else "ANY"
        chain = call.parent
        if chain is not None and chain.type == "selector_expression" and text(field(chain, "field")) == "Methods":
            outer = chain.parent
            methods = go.string_arg(outer) if outer is not None and outer.type == "call_expression" else None
            if methods:
                verb = methods.upper()
        middleware = " ".join(text(a) for a in args[1:-1])
        handler_node = args[-1] if args else None
        if handler_node is not None and handler_node.type == "call_expression":
            middleware += " " + go.callee(handler_node)  # auth(handler) / AuthMiddleware(http.HandlerFunc(h))
        auth_via = ""
        if AUTH.search(middleware):
            match = AUTH.search(middleware)
            auth_via = f"middleware {middleware[max(0, match.start() - 10):match.end() + 15].strip()}" if match else "middleware"
        elif owner in router_auth:
            auth_via = router_auth[owner]
        limit_via = router_limit.get(owner, "")
        if LIMIT.search(middleware):
            limit_via = "route middleware"
        handler_text = text(args[-1]) if args else ""
        kind = "websocket" if _websocket_like(path, handler_text) else "http"
        ctx.emit(
            "route", line=line, method=verb, path=group_prefix.get(owner, "") + path, handler=handler_text[:60],
            framework="go", kind=kind, auth=bool(auth_via), auth_via=auth_via,
            rate_limited=bool(limit_via), limit_via=limit_via,
            # handler functions that check auth themselves are matched by name (dependency_alias below)
            param_annotations=[handler_text] if re.fullmatch(r"[\w.]+", handler_text) else [],
        )
    routed = set()
    for call in calls:
        parts = go.call_parts(call)
        if parts and parts[1] in ROUTE_METHODS:
            routed.add(parts[0])
    for owner, how in router_auth.items():
        if owner not in routed:  # middleware for routes registered in other files
            ctx.emit("signal", name="global-auth", detail=how)
    _emit_self_authenticating_handlers(root, ctx)
    for name, (var_line, typ) in package_vars(root).items():
        ctx.emit("go_package_var", line=var_line, name=name, type=typ)
    for name, write_line, func_name, in_handler in package_var_writes(root):
        ctx.emit("go_package_var_write", line=write_line, name=name, func=func_name, handler=in_handler)
    if any(go.callee(c) == "signal.Notify" for c in calls):
        ctx.emit("signal", name="signal-handler", detail="signal.Notify")
    lowered = ctx.text.lower()
    if "x-request-id" not in lowered and "x-correlation-id" not in lowered:
        return  # no such literal can match below: spare the walk over every string in the file
    for literal in scan(root, "interpreted_string_literal"):
        if (string_value(literal) or "").lower() in {"x-request-id", "x-correlation-id"}:
            ctx.emit("signal", line=line_of(literal), name="request-id", detail=string_value(literal))
            break
