"""Go facts: frameworks, app entry points, routes with auth/limit, env vars, clients, signals."""

from __future__ import annotations

import re
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import (
    ancestors,
    descendants,
    end_line_of,
    field,
    line_of,
    scan,
    string_value,
    text,
)
from prodready.lazyre import lazy_compile
from prodready.model import Language
from prodready.rules._go_http import non_production, package_var_writes, package_vars
from prodready.rules._go_results import convention_discard, non_error_results
from prodready.rules._memo import lowered_text
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
ROUTE_METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "Any", "Get", "Post", "Put", "Delete", "Patch", "Head", "Options", "Handle", "HandleFunc", "Match", "To"}
AUTH = lazy_compile(r"(?i)(auth|jwt|token|requirelogin|loginrequired|require|protect|verify|apikey|api_key|bearer|guard|permission|\blogged(_?in)?\b)")
# (a body or size limit is no rate limit: echo's `middleware.BodyLimit`, gin-contrib `RequestSizeLimiter`)
LIMIT = lazy_compile(r"(?i)(rate|(?<!body)(?<!size)(?<!bytes)limit|throttl|tollbooth)")
# Middleware that handles every request and authenticates nobody, whatever its options mention
# (`middleware.CSRFWithConfig(middleware.CSRFConfig{TokenLookup: ...})`).
NOT_AUTH = lazy_compile(r"(?i)(^|\.)(csrf|cors|logger|recover|gzip|secure|requestid|request_id|bodylimit|timeout|static|compress|decompress|methodoverride|\w*trailingslash)\w*$")
CLIENTS = {
    "mongo.Connect": "mongo", "redis.NewClient": "redis", "sql.Open": "sql", "pgxpool.New": "postgres",
    "pgxpool.NewWithConfig": "postgres", "pgx.Connect": "postgres", "gorm.Open": "sql", "sqlx.Open": "sql",
    "sqlx.Connect": "sql", "sqlx.MustConnect": "sql", "dbx.Open": "sql", "dbx.MustOpen": "sql",
}


# Compiled once here, not looked up in re's cache for every call of every file.
HANDLER_PARAMS = lazy_compile(r"http\.ResponseWriter|gin\.Context|echo\.Context|fiber\.Ctx")
ENGINE_VAR = lazy_compile(r"\b(\w+)\s*:?=\s*(?:gin\.(?:New|Default)|echo\.New|fiber\.New)\(")
ENV_HELPER = lazy_compile(r"(?i)(get_?env\w*|env_?or\w*|lookup_?env\w*|must_?env\w*)")
IN_HANDLER_AUTH = lazy_compile(
    r"(?i)^([\w.]*\.)?((validate|verify|check|authenticate|authorize|require|ensure)\w*(token|jwt|auth|session|login|user)\w*|"
    r"is_?logged_?in|is_?authenticated)$|^jwt\.Parse\w*$|^\w+\.(auth|authenticate|authorize)$"
)


GO_BUILTIN_TYPES = frozenset({"error", "string", "bool", "byte", "rune", "int", "int8", "int16", "int32", "int64", "uint",
                              "uint8", "uint16", "uint32", "uint64", "uintptr", "float32", "float64", "any"})


def _emit_self_authenticating_handlers(root: Any, ctx: TreeContext) -> None:
    """`func GetTasks(w, r) { ... ValidateToken(token) ... }`: the handler checks auth itself. The same
    pass over the file's functions records constructors (`func newAPI(...) api`) for router includes."""
    package = next((text(c.named_children[0]) for c in root.named_children if c.type == "package_clause" and c.named_children), "")
    for func in root.named_children:
        if func.type not in {"function_declaration", "method_declaration"}:
            continue
        if func.type == "function_declaration" and (result := field(func, "result")) is not None and result.type == "type_identifier" and text(result) not in GO_BUILTIN_TYPES:
            # `func newAPI(max int) api`: what `newAPI(max).mount(r)` is called on
            ctx.emit("go_constructor", function=f"{package}.{text(field(func, 'name'))}", type=f"{package}.{text(result)}")
        params = field(func, "parameters")
        if params is None or not HANDLER_PARAMS.search(text(params)):
            continue
        check = next((go.callee(c) for c in descendants(func, "call_expression") if IN_HANDLER_AUTH.match(go.callee(c))), None)
        if check:
            name = text(field(func, "name"))
            if func.type == "method_declaration":
                # `func (h api) count(w, r) error { if err := h.auth(r, w, perm) ... }`
                name = f"{go.receiver_type(func)}.{name}"
            ctx.emit("dependency_alias", line=line_of(func), alias=f"{package}.{name}", dependency=check, auth=True)


def _handler_symbol(handler: Any, call: Any, package: str) -> str:
    """The handler function a route names, for matching handlers that check auth themselves:
    `GetTasks`, `views.GetTasks`, and in `func (h api) mount(r)` the method `h.count` (also inside a
    one-argument adapter: `zhttp.Wrap(h.count)`) as `package.api.count`."""
    if handler is not None and handler.type == "call_expression" and len(go.call_args(handler)) == 1:
        handler = go.call_args(handler)[0]
    if handler is None or not re.fullmatch(r"[\w.]+", text(handler)):
        return ""
    symbol = text(handler)
    parts = symbol.split(".")
    func = go.enclosing_top_function(call)
    if len(parts) == 2 and func is not None and func.type == "method_declaration" and parts[0] == go.receiver_name(func):
        return f"{package}.{go.receiver_type(func)}.{parts[1]}" if package else f"{go.receiver_type(func)}.{parts[1]}"
    return symbol


# headers that close clickjacking and MIME sniffing (PR-CF-103), and others that alone leave them open
PROTECTIVE_HEADERS = frozenset({"content-security-policy", "x-frame-options", "x-content-type-options"})
OTHER_RESPONSE_HEADERS = frozenset({"strict-transport-security", "cross-origin-opener-policy", "referrer-policy", "permissions-policy"})
GO_SERVES_PAGES_TEXTS = ("FileServer", ".Static", "StaticFS", "LoadHTML")  # what every GO_SERVES_PAGES match holds
GO_SERVES_PAGES = lazy_compile(r"\bhttp\.FileServer(FS)?\(|\.Static(File|FS)?\(|\bStaticFS\(|\.LoadHTML(Glob|Files)\(")
SECURITY_HEADER_PACKAGES = frozenset({"github.com/unrolled/secure", "github.com/gin-contrib/secure", "github.com/go-chi/chi/v5/middleware/secure"})


# middleware that replaces RemoteAddr with X-Forwarded-For / X-Real-IP from whoever sent the request
FORWARDED_IP_MIDDLEWARE = lazy_compile(r"^(github\.com/go-chi/chi(/v\d+)?/middleware|zgo\.at/zhttp/mware)$")


def _emit_forwarded_ip_middleware(root: Any, ctx: TreeContext) -> None:
    """chi `middleware.RealIP`, zhttp `mware.RealIP()`: every later `r.RemoteAddr` is client-chosen."""
    for node in descendants(root, "selector_expression"):
        parts = go.selector_parts(node)
        if parts is None or parts[1] != "RealIP" or not FORWARDED_IP_MIDDLEWARE.match(ctx.imports.get(parts[0], "")):
            continue
        ctx.emit("signal", line=line_of(node), name="forwarded-ip-trusted", detail=f"{parts[0]}.RealIP")


def _websocket_like(path: str, handler: str) -> bool:
    """`/ws`, `serveWs`, `websocketHandler` — but not `views.X` (which merely contains "ws")."""
    if re.search(r"(?i)socket", path + handler):
        return True
    tokens = re.split(r"[^a-z0-9]+", snake_case(path + " " + handler))
    return "ws" in tokens or "wss" in tokens


def _emit_discards(root: Any, ctx: TreeContext) -> None:
    """`v, _ := f()` judged by Go convention, and the functions whose last result is not an error (PR-EH-201)."""
    for name in non_error_results(root):
        ctx.emit("go_non_error_result", name=name)
    if non_production(ctx.path, ctx.is_test_file):
        return
    for node in descendants(root, "assignment_statement", "short_var_declaration"):
        found = convention_discard(node)
        if found is not None:
            callee = found[1]
            ctx.emit("go_discard", line=line_of(node), end_line=end_line_of(node), callee=callee, method=callee.rsplit(".", 1)[-1])


ROUTER_MAKERS = lazy_compile(r"^(gin\.(Default|New)|echo\.New|routing\.New|mux\.NewRouter|chi\.NewRouter|fiber\.New|http\.NewServeMux)$")
# What a callee ROUTER_MAKERS matches contains (it is the callee's own source text)
ROUTER_MAKER_TEXTS = ("gin.Default", "gin.New", "echo.New", "routing.New", "mux.NewRouter", "chi.NewRouter", "fiber.New",
                      "http.NewServeMux")



CONFIGURED_PATH = re.compile(r"([A-Z]?[a-z0-9]+(?:[A-Z][a-z0-9]+)*?)(?:URI|Uri|URL|Url|Path|Route|Endpoint)")


def _configured_path(node: Any) -> str | None:
    """`r.GET(cfg.API.HealthURI, h)`: a path taken from configuration. The field name says what the
    route is (HealthURI → /health, StatGoURI → /stat-go); the real value is only known at run time."""
    if node.type not in {"selector_expression", "identifier"}:
        return None
    name = text(node).rsplit(".", 1)[-1]
    match = CONFIGURED_PATH.fullmatch(name)
    if not match:
        return None
    words = re.findall(r"[A-Z]?[a-z0-9]+", match.group(1))
    return "/" + "-".join(w.lower() for w in words) if words else None

def _param_names(func: Any) -> set[str]:
    params = field(func, "parameters")
    names: set[str] = set()
    if params is None:
        return names
    for param in params.named_children:
        names.update(text(c) for c in param.children_by_field_name("name"))
    return names


def _authenticates(middleware: str) -> bool:
    """Router middleware that authenticates, judged by what is called and not by its options:
    `cors.Handler(cors.Options{AllowedHeaders: []string{"Authorization"}})` authenticates nobody."""
    head = re.split(r"[({]", middleware, maxsplit=1)[0]
    if NOT_AUTH.search(head) or LIMIT.search(middleware):
        return False
    return bool(AUTH.search(head if re.search(r"[({]", middleware) else middleware)
                or AUTH.search(middleware) and not re.search(r"(?i)cors|Options\{", middleware))


def _root_router(owner: str, group_parent: dict[str, str]) -> str:
    seen = {owner}
    while owner in group_parent and group_parent[owner] not in seen:
        owner = group_parent[owner]
        seen.add(owner)
    return owner


def _registering_function(call: Any, owner: str, group_parent: dict[str, str], package: str) -> str:
    """`func UsersRegister(router *gin.RouterGroup) { router.POST(...) }`: routes on a router handed in
    by the caller belong to `users.UsersRegister`; the caller's include gives prefix and middleware."""
    func = go.enclosing_top_function(call)
    if func is None or func.type not in {"function_declaration", "method_declaration"}:
        return ""
    if _root_router(owner, group_parent) not in _param_names(func):
        return ""
    name = go.function_name(func)
    if func.type == "method_declaration":
        # `func (h settings) mount(r chi.Router)`, handed its router by `settings{}.mount(af)`
        name = f"{go.receiver_type(func)}.{name}"
    return f"{package}.{name}" if package else name


ROUTE_WRAPPER = lazy_compile(
    r"\b(\w+)\s*:=\s*func\s*\(\s*(\w+)\s+string\b[^{]*\{[^}]*?\b(\w+)\.(Handle|HandleFunc)\(\s*\2\b"
    r"|^func\s+(\w+)\s*\(\s*(\w+)\s+string\b[^{]*\{[^}]*?\b(\w+)\.(Handle|HandleFunc)\(\s*\6\b",
    re.MULTILINE,
)


def _subrouter_closures(calls: list[Any], group_prefix: dict[str, str], group_parent: dict[str, str]) -> dict[int, tuple[str, str]]:
    """func_literal id -> (its router parameter, its scoped owner name) for chi's `r.Route(prefix,
    func(r chi.Router) {...})` and `r.Group(func(r chi.Router) {...})`; fills prefixes and parents."""
    closures: dict[int, tuple[str, str]] = {}
    for call in calls:  # document order: outer closures come first
        parts = go.call_parts(call)
        if parts is None or parts[1] not in {"Route", "Group"}:
            continue
        args = go.call_args(call)
        literal = args[-1] if args else None
        if literal is None or literal.type != "func_literal":
            continue
        parameters = field(literal, "parameters")
        names = [text(field(p, "name")) for p in (parameters.named_children if parameters is not None else []) if field(p, "name") is not None]
        if len(names) != 1:
            continue
        root = re.match(r"\w+", parts[0])
        if root is None:
            continue
        # `rapi.Group().Route(func(r ...))`, `rapi.Mount("/admin").Route(...)`: the chain hangs off rapi
        outer = _scoped(call, root.group(0), closures)
        scoped = f"{names[0]}@{literal.start_byte}"
        closures[literal.id] = (names[0], scoped)
        mount = re.search(r"\.(?:Mount|Route|Group)\(\s*\"([^\"]*)\"", parts[0])
        prefix = (mount.group(1) if mount else "") + ((go.string_arg(call) or "") if parts[1] == "Route" else "")
        group_prefix[scoped] = group_prefix.get(outer, "") + prefix
        group_parent[scoped] = outer
    return closures


def _scoped(call: Any, owner: str, closures: dict[int, tuple[str, str]]) -> str:
    """The router a call is made on: inside a sub-router closure, its parameter names that router."""
    if not closures:
        return owner
    root = re.match(r"\w+", owner)
    if root is None:
        return owner
    for ancestor in ancestors(call):
        entry = closures.get(ancestor.id) if ancestor.type == "func_literal" else None
        if entry is not None and entry[0] == root.group(0):
            return entry[1] + owner[root.end():]
    return owner


def _inherited(owner: str, table: dict[str, str], parents: dict[str, str]) -> str:
    """The router's own entry, else the nearest enclosing sub-router's (middleware applies downwards)."""
    seen: set[str] = set()
    while owner and owner not in seen:
        if owner in table:
            return table[owner]
        seen.add(owner)
        owner = parents.get(owner, "")
    return ""


def _local_wrappers(root: Any) -> dict[str, str]:
    """`name := func(h http.HandlerFunc) http.Handler { ... }`: closures that wrap a handler in
    middleware, by name, with their body (what they apply)."""
    found: dict[str, str] = {}
    for declaration in descendants(root, "short_var_declaration"):
        left, right = field(declaration, "left"), field(declaration, "right")
        if left is None or right is None or not left.named_children or not right.named_children:
            continue
        value = right.named_children[0]
        if value.type == "func_literal":
            found[text(left.named_children[0])] = text(field(value, "body"))[:400]
    return found


# Where a ROUTE_WRAPPER match can start: after `name :=` before `func(` (first branch), or at a
# line's opening `func` (second). Literal-led, so searched quickly, unlike ROUTE_WRAPPER itself.
_WRAPPER_ASSIGN = lazy_compile(r":=\s*func\s*\(")
_WRAPPER_FUNC = lazy_compile(r"^func\s", re.MULTILINE)


def _route_wrapper_matches(source: str) -> list[re.Match[str]]:
    """``list(ROUTE_WRAPPER.finditer(source))``, trying the pattern only where a match can start.
    ROUTE_WRAPPER's first branch starts with the whole word (``\\b(\\w+)``) before ``\\s*:=``,
    its second at a line's start; tried at every position of the file, its leading ``\\w+`` made
    it the dearest pattern of a Go audit. The candidates are tried in order, each from where the
    previous match ended, as finditer does (with the same context: ``match(source, pos)`` reads
    the characters before pos for ``\\b`` and ``^``)."""
    starts: set[int] = set()
    for assign in _WRAPPER_ASSIGN.finditer(source):
        end = assign.start()
        while end > 0 and source[end - 1].isspace():
            end -= 1
        begin = end
        while begin > 0 and (source[begin - 1].isalnum() or source[begin - 1] == "_"):
            begin -= 1
        if begin < end:
            starts.add(begin)
    starts.update(match.start() for match in _WRAPPER_FUNC.finditer(source))
    found: list[re.Match[str]] = []
    position = 0
    for start in sorted(starts):
        if start < position:
            continue
        match = ROUTE_WRAPPER.match(source, start)
        if match is not None:
            found.append(match)
            position = match.end()
    return found


# `select {}` or `<-make(chan struct{})` on a line of its own: the goroutine (main) parks forever
BLOCK_FOREVER = re.compile(r"(?m)^[ \t]*(?:select\s*\{\s*\}|<-\s*make\(chan\b[^)\n]*\))[ \t]*$")


def _loopback_only(call: Any) -> bool:
    """`http.ListenAndServe("127.0.0.1:6060", nil)`: a debug listener (pprof) that only this host reaches."""
    address = go.string_arg(call)
    return address is not None and address.startswith(("127.0.0.1:", "localhost:", "[::1]:"))


def _http_server_var(name: str, source: str) -> bool:
    """`name` holds an `http.Server` made in this file (`srv := &http.Server{`, `srv = http.Server{`)."""
    return name.isidentifier() and re.search(rf"\b{re.escape(name)}\s*:?=\s*&?http\.Server\{{", source) is not None


def _route_wrappers(source: str) -> dict[str, tuple[str, str]]:
    """Local helpers that register their first argument as a route:
    `handle := func(route string, h http.Handler) { mux.Handle(route, Instrument(route, h)) }`."""
    if ".Handle" not in source:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for match in _route_wrapper_matches(source):
        if match.group(1):
            found[match.group(1)] = (match.group(3), match.group(4))
        else:
            found[match.group(5)] = (match.group(7), match.group(8))
    return found


# a receiver that names its type: `settings{}`, `&api{db: db}`
COMPOSITE_RECEIVER = lazy_compile(r"&?\(?([A-Za-z_]\w*)\{.*\}\)?", re.DOTALL)
CONSTRUCTED_RECEIVER = lazy_compile(r"([A-Za-z_]\w*)\(.*\)", re.DOTALL)


def _router_includes(
    calls: list[Any], ctx: TreeContext, group_prefix: dict[str, str], group_parent: dict[str, str], package: str,
    made: tuple[dict[str, str], dict[str, str]] = ({}, {}),
) -> set[str]:
    """`users.UsersRegister(v1.Group("/users"))`: a router (or a new group) handed to a function that
    registers routes, with the prefix and the middleware in force at that point of the source (gin, echo
    and ozzo-routing apply `Use` only to routes and groups added after it). Returns the routers handed on."""
    uses: dict[str, list[tuple[int, str]]] = {}
    created: dict[str, int] = {}
    routers: set[str] = set(group_prefix)
    for call in calls:
        parts = go.call_parts(call)
        if parts is None:
            continue
        owner, method = parts
        if method == "Use":
            uses.setdefault(owner, []).append((call.start_byte, " ".join(text(a) for a in go.call_args(call))))
            routers.add(owner)
        elif method in ROUTE_METHODS:
            routers.add(owner)
    if not routers and "Group" not in ctx.text and not any(maker in ctx.text for maker in ROUTER_MAKER_TEXTS):
        # No router known, none made here and no Group call to hand on: nothing below can be
        # found (group_prefix and group_parent are empty too), so spare the walks.
        return set()
    for decl in descendants(ctx.root, "short_var_declaration", "assignment_statement"):
        right = field(decl, "right")
        left = field(decl, "left")
        value = right.named_children[0] if right is not None and right.named_children else None
        if value is None or value.type != "call_expression" or left is None or not left.named_children:
            continue
        name = text(left.named_children[0])
        if ROUTER_MAKERS.match(go.callee(value)):
            routers.add(name)
        elif name in group_parent:
            created.setdefault(name, decl.start_byte)

    def state_at(owner: str, pos: int, depth: int = 0) -> tuple[str, str]:
        auth, limit = made[0].get(owner, ""), made[1].get(owner, "")
        for at, middleware in uses.get(owner, []):
            if at >= pos:
                continue
            if AUTH.search(middleware) and not LIMIT.search(middleware):
                auth = auth or f"{owner}.Use({middleware[:40]})"
            if LIMIT.search(middleware):
                limit = limit or f"{owner}.Use({middleware[:40]})"
        parent = group_parent.get(owner)
        if parent and depth < 8:
            parent_auth, parent_limit = state_at(parent, created.get(owner, pos), depth + 1)
            auth, limit = auth or parent_auth, limit or parent_limit
        return auth, limit

    handed_on: set[str] = set()
    for call in calls:
        target = go.callee(call)
        parts = go.call_parts(call)
        if parts is not None:
            # `settings{}.mount(af, ...)`: a method of a type of this package, whose type is spelt out;
            # `newAPI(max).mount(r)`: of the type newAPI returns (go_constructor, resolved per project)
            receiver = ""
            if parts[0].endswith(("}", ")")) and parts[1] not in ROUTE_METHODS and any(
                (a.type == "identifier" and text(a) in routers) or a.type == "call_expression" for a in go.call_args(call)
            ):  # (only calls handed a router are includes: spare the patterns on every other method call)
                literal = COMPOSITE_RECEIVER.fullmatch(parts[0])
                constructed = None if literal else CONSTRUCTED_RECEIVER.fullmatch(parts[0])
                receiver = literal.group(1) if literal else f"{constructed.group(1)}()" if constructed else ""
            if receiver and parts[1] not in ROUTE_METHODS:
                target = f"{package}.{receiver}.{parts[1]}" if package else f"{receiver}.{parts[1]}"
            elif parts[0] not in ctx.imports or parts[1] in ROUTE_METHODS or parts[1] in {"Use", "Group", "Route", "With"}:
                continue  # other methods are not followed: their receiver's type is unknown here
        elif not re.fullmatch(r"\w+", target) or target in {"append", "len", "make", "new", "panic"}:
            continue
        else:
            target = f"{package}.{target}" if package else target
        for arg in go.call_args(call):
            owner = prefix = ""
            extra: list[str] = []
            if arg.type == "call_expression":
                inner = go.selector_parts(field(arg, "function"))
                if inner is None or inner[1] != "Group" or not re.fullmatch(r"\w+", inner[0]):
                    continue
                owner = inner[0]
                prefix = group_prefix.get(owner, "") + (go.string_arg(arg) or "")
                extra = [text(a) for a in go.call_args(arg)[1:]]
            elif arg.type == "identifier" and text(arg) in routers:
                owner = text(arg)
                prefix = group_prefix.get(owner, "")
            else:
                continue
            auth, limit = state_at(owner, call.start_byte)
            for middleware in extra:
                if AUTH.search(middleware) and not LIMIT.search(middleware):
                    auth = auth or f"group {prefix} {middleware[:40]}"
                if LIMIT.search(middleware):
                    limit = limit or f"group {prefix} {middleware[:40]}"
            root_owner = _root_router(owner, group_parent)
            handed_on.update({owner, root_owner})
            parent = _registering_function(call, owner, group_parent, package)
            ctx.emit(
                "router_include", line=line_of(call), router=target, parent=parent,
                prefix=prefix, auth_via=auth, limit_via=limit,
            )
    # a router whose groups were handed on: its Use() calls are ordered, not app-wide
    for name, parent in group_parent.items():
        if name in handed_on:
            handed_on.add(parent)
    return handed_on


KEYISH_NAME = lazy_compile(r"(?i)(secret|key|pass|token|salt|sign|hmac|jwt|auth|cred)")
# Where a signing key goes: token signing, session stores, JWT middleware; jwt key functions below.
KEY_SINKS = lazy_compile(
    r"^(sessions\.New(CookieStore|FilesystemStore)|cookie\.NewStore|securecookie\.New|[\w.]*\.SignedString|"
    r"middleware\.JWT|jwtauth\.New|csrf\.Protect)$"
)
KEYFUNC_TAKERS = lazy_compile(r"^(jwt\.Parse\w*|request\.ParseFromRequest\w*|[\w.]*\.ParseWithClaims)$")
# What a callee KEY_SINKS / KEYFUNC_TAKERS matches contains (the callee is a piece of the file's text)
KEY_SINK_TEXTS = ("sessions.New", "cookie.New", ".SignedString", "middleware.JWT", "jwtauth.New", "csrf.Protect")
KEYFUNC_TAKER_TEXTS = ("jwt.Parse", "request.ParseFromRequest", ".ParseWithClaims")
KEY_FIELDS = {"SigningKey", "Key", "SigningKeys", "ValidationKey"}


def _unwrap(node: Any) -> Any:
    while node is not None and node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    if node is not None and node.type == "type_conversion_expression" and text(field(node, "type")) == "[]byte":
        node = _unwrap(field(node, "operand"))
    if node is not None and node.type == "call_expression" and text(field(node, "function")) in {"[]byte", "string"}:
        args = go.call_args(node)
        node = _unwrap(args[0]) if len(args) == 1 else node
    return node


def _key_reference(node: Any, local: dict[str, Any]) -> str:
    """`NBSecretPassword`, `common.NBSecretPassword`, `[]byte(secret)`: the name a key expression reads."""
    node = _unwrap(node)
    if node is None:
        return ""
    if node.type == "identifier" and text(node) in local:
        return _key_reference(local[text(node)], {})
    if node.type in {"identifier", "selector_expression"} and re.fullmatch(r"\w+(\.\w+)?", text(node)):
        return text(node)
    return ""


def _emit_signing_keys(root: Any, calls: list[Any], ctx: TreeContext, package: str) -> None:
    """Package-level string constants that could be keys, and the names used as signing keys (PR-SE-202)."""
    for decl in root.named_children:
        if decl.type not in {"const_declaration", "var_declaration"}:
            continue
        for spec in descendants(decl, "const_spec", "var_spec"):
            name, value = field(spec, "name"), field(spec, "value")
            literal = _unwrap(value.named_children[0]) if value is not None and value.named_children else None
            if name is None or literal is None or not KEYISH_NAME.search(text(name)):
                continue
            raw = string_value(literal)
            if raw:
                ctx.emit("go_key_const", line=line_of(spec), name=text(name), package=package, length=len(raw))
    uses: list[tuple[Any, str, str]] = []
    # (a file without one of a pattern's texts has no callee it matches: no call is tried against it)
    sinks = any(word in ctx.text for word in KEY_SINK_TEXTS)
    takers = any(word in ctx.text for word in KEYFUNC_TAKER_TEXTS)
    for call in calls if sinks or takers else ():
        callee = go.callee(call)
        if sinks and KEY_SINKS.match(callee):
            uses.extend((call, callee, _key_reference(arg, {})) for arg in go.call_args(call))
        elif takers and KEYFUNC_TAKERS.match(callee):
            for keyfunc in (a for a in go.call_args(call) if a.type == "func_literal"):
                local: dict[str, Any] = {}
                for declaration in descendants(keyfunc, "short_var_declaration"):
                    left, right = field(declaration, "left"), field(declaration, "right")
                    if left is not None and right is not None and len(left.named_children) == 1 and right.named_children:
                        local[text(left.named_children[0])] = right.named_children[0]
                for ret in descendants(keyfunc, "return_statement"):
                    values = ret.named_children[0].named_children if ret.named_children else []
                    if values:
                        uses.append((ret, f"{callee} key function", _key_reference(values[0], local)))
    for element in descendants(root, "keyed_element"):
        children = element.named_children
        if len(children) >= 2 and text(children[0]).strip() in KEY_FIELDS:
            uses.append((element, text(children[0]).strip(), _key_reference(children[-1], {})))
    for node, sink, reference in uses:
        if reference and reference != "nil":
            ctx.emit("go_key_use", line=line_of(node), ref=reference, sink=sink, package=package)


PRINTS = {"fmt.Print", "fmt.Printf", "fmt.Println"}
STD_LOG_PRINTS = {"log.Print", "log.Printf", "log.Println"}
CLI_IMPORTS = lazy_compile(r"^(flag|github\.com/spf13/cobra|github\.com/urfave/cli(/v\d)?|gopkg\.in/alecthomas/kingpin\.v2|github\.com/alecthomas/kong)$")


USAGE_WORDS = lazy_compile(r"(?i)\b(help|usage|version)\b|ErrHelp")


def _prints_usage(call: Any) -> bool:
    """`fmt.Println(help)` or a print under `if errors.Is(err, conf.ErrHelpWanted)`: command-line help."""
    if USAGE_WORDS.search(" ".join(text(a) for a in go.call_args(call))):
        return True
    for anc in ancestors(call):
        if anc.type in {"function_declaration", "method_declaration", "func_literal"}:
            return False
        if anc.type == "if_statement" and USAGE_WORDS.search(text(field(anc, "condition"))):
            return True
    return False


def _emit_gin_and_prints(root: Any, calls: list[Any], ctx: TreeContext) -> None:
    """gin engines and how gin's mode is set (PR-CF-201); fmt/builtin prints (PR-LG-001)."""
    gin = ctx.imports.get("gin") == "github.com/gin-gonic/gin"
    fmt = ctx.imports.get("fmt") == "fmt"
    std_log = ctx.imports.get("log") == "log"
    local_funcs = {go.function_name(d) for d in root.named_children if d.type == "function_declaration"}
    package = next((text(c.named_children[0]) for c in root.named_children if c.type == "package_clause" and c.named_children), "")
    cli = any(CLI_IMPORTS.match(path) for path in ctx.imports.values())
    cli_framework = any(CLI_IMPORTS.match(path) and path != "flag" for path in ctx.imports.values())
    for call in calls:
        name = go.callee(call)
        if gin and name in {"gin.Default", "gin.New"}:
            ctx.emit("go_gin_engine", line=line_of(call), call=name)
        elif gin and name == "gin.SetMode":
            ctx.emit("signal", line=line_of(call), name="gin-mode", detail=text(call)[:80])
        elif name == "os.Setenv" and go.string_arg(call) == "GIN_MODE":
            ctx.emit("signal", line=line_of(call), name="gin-mode", detail=text(call)[:80])
        elif (
            (fmt and name in PRINTS)
            or (name in {"print", "println"} and name not in local_funcs)
            or (std_log and name in STD_LOG_PRINTS and not _declared_as(call, "log", r"\S"))
        ):
            func = go.enclosing_top_function(call)
            ctx.emit(
                "go_print", line=line_of(call), call=name, func=go.function_name(func), package=package, cli=cli,
                cli_framework=cli_framework, usage=_prints_usage(call), std_log=name in STD_LOG_PRINTS,
            )


BODY_LIMITS = {
    "http.MaxBytesReader", "http.MaxBytesHandler",
    # echo middleware.BodyLimit, gin-contrib/size and limits, chi middleware.RequestSize
    "middleware.BodyLimit", "middleware.BodyLimitWithConfig", "limits.RequestSizeLimiter", "size.RequestSizeLimiter",
    "middleware.RequestSize",
}
# Request-body decoding by framework, by the type its receiver is declared with.
BINDERS = {
    "gin": ({"ShouldBindJSON", "BindJSON", "ShouldBind", "Bind", "ShouldBindWith", "BindWith", "MustBindWith",
             "ShouldBindBodyWith", "GetRawData"}, r"\*gin\.Context"),
    "echo": ({"Bind"}, r"echo\.Context"),
    "routing": ({"Read"}, r"\*routing\.Context"),  # go-ozzo/ozzo-routing
}
BINDER_METHODS = frozenset().union(*(methods for methods, _ in BINDERS.values()))


def _declared_as(call: Any, name: str, type_pattern: str) -> bool:
    """Whether `name` is a parameter of an enclosing function declared with that type."""
    for anc in ancestors(call):
        if anc.type in {"function_declaration", "method_declaration", "func_literal"}:
            params = field(anc, "parameters")
            if params is not None and re.search(rf"\b{re.escape(name)}\s+{type_pattern}", text(params)):
                return True
    return False


# A limit wrapped in a function that handles one request (or is handed it) covers that request only.
LIMIT_SCOPE = lazy_compile(r"http\.ResponseWriter|\*http\.Request|\*gin\.Context|echo\.Context")
REQUEST_PARAMS = lazy_compile(r"http\.ResponseWriter|\*gin\.Context|echo\.Context")  # (a helper given only the request may be handed a limited body)
MIDDLEWARE_SIGNATURE = lazy_compile(r"\bhttp\.Handler\b|\bnext\b|echo\.HandlerFunc|gin\.HandlerFunc")


def _handler_scope(call: Any, params: Any) -> tuple[int, int]:
    """The lines of the one request handler a call sits in, or (0, 0) when it runs for every request
    (a middleware: a function that takes or returns the next handler) or outside any handler."""
    innermost = None
    for anc in ancestors(call):
        if anc.type not in {"function_declaration", "method_declaration", "func_literal"}:
            continue
        signature = text(field(anc, "parameters")) + " " + text(field(anc, "result"))
        if MIDDLEWARE_SIGNATURE.search(signature):
            return 0, 0
        if innermost is None:
            innermost = anc
    if innermost is None or not params.search(text(field(innermost, "parameters"))):
        return 0, 0  # a helper that is not itself a handler: given the benefit of the doubt
    return innermost.start_point[0] + 1, innermost.end_point[0] + 1


def _limits_body(call: Any, name: str, ctx: TreeContext) -> bool:
    if name in BODY_LIMITS and (name.startswith("http.") or name.split(".")[0] in ctx.imports):
        return True
    if name != "io.LimitReader":
        return False  # (asked of every call: the arguments only for this one)
    args = go.call_args(call)
    return bool(args) and text(args[0]).endswith(".Body")


def _body_decode(call: Any, name: str, parts: tuple[str, str] | None, ctx: TreeContext) -> str:
    """`c.ShouldBindJSON(&v)` (gin), `c.Bind(&v)` (echo), `c.Read(&v)` (ozzo-routing), `json.NewDecoder(r.Body)`."""
    if name == "json.NewDecoder":
        args = go.call_args(call)
        source = text(args[0]) if args else ""
        request = re.fullmatch(r"(\w+)\.Body|(\w+)\.Request\.Body", source)
        if request is None:
            return ""
        if request.group(1) and _declared_as(call, request.group(1), r"\*http\.Request"):
            return f"json.NewDecoder({source})"
        if request.group(2) and _declared_as(call, request.group(2), r"(\*gin\.Context|echo\.Context)"):
            return f"json.NewDecoder({source})"
        return ""
    if parts is None or parts[1] not in BINDER_METHODS or not re.fullmatch(r"\w+", parts[0]):
        return ""  # (asked of every call: the method first, a set lookup, then the pattern)
    owner, method = parts
    for package, (methods, type_pattern) in BINDERS.items():
        if method in methods and package in ctx.imports and _declared_as(call, owner, type_pattern):
            return name
    return ""


WRAPPING_AUTH = lazy_compile(r"(?i)(auth|session|jwt|token|login|apikey|api_key|bearer|guard|permission|require)")
MUX_CONSTRUCTOR = lazy_compile(r"\b(NewServeMux|NewRouter|chi\.NewMux|httprouter\.New)\(")
MUX_TEXTS = ("NewServeMux", "NewRouter", "NewMux", "httprouter.New")
GO122_PATTERN = lazy_compile(r"^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|CONNECT|TRACE)\s+\S")


@FACTS.on_tree("source_file", languages=(Language.GO,), skip_file=lambda ctx: ctx.path.endswith("_test.go"))
def collect(root: Any, ctx: TreeContext) -> None:
    if ctx.path.endswith("_test.go"):
        return
    package = next((text(c.named_children[0]) for c in root.named_children if c.type == "package_clause" and c.named_children), "")
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
    group_parent: dict[str, str] = {}
    # middleware given where a router is made (`set := r.With(auth)`, `v1.Group("/x", auth)`): in force
    # for everything registered on it, wherever that is
    made_auth: dict[str, str] = {}
    made_limit: dict[str, str] = {}
    calls = list(descendants(root, "call_expression"))
    # chi sub-routers: `r.Route("/admin", func(r chi.Router) { r.Use(auth); r.Get(...) })` and
    # `r.Group(func(r chi.Router) {...})`: the closure's `r` is a new router under the prefix, with
    # its parent's middleware and its own; routes after the closure are not under it.
    closures = _subrouter_closures(calls, group_prefix, group_parent) if ".Route(" in ctx.text or ".Group(func" in ctx.text else {}
    # Router-level middleware first: r.Use(AuthMiddleware), api := r.Group("/api", Auth())
    for call in calls:
        parts = go.call_parts(call)
        if parts is None:
            continue
        owner, method = parts
        owner = _scoped(call, owner, closures)
        if method == "Use":
            # where the router is set up; `root`: the engine itself, not a group made from it
            ctx.emit("router_use", line=line_of(call), router=owner.split('@')[0], root=owner.split('@')[0] not in group_parent)
            for arg in go.call_args(call):
                arg_text = text(arg)
                if _authenticates(arg_text):
                    router_auth[owner] = f"{owner.split('@')[0]}.Use({arg_text[:40]})"
                if LIMIT.search(arg_text):
                    router_limit[owner] = f"{owner.split('@')[0]}.Use({arg_text[:40]})"
                    ctx.emit("signal", line=line_of(call), name="rate-limit", detail=arg_text[:60])
                if re.search(r"\bSecure(WithConfig)?\(|\bhelmet\b", arg_text):  # echo middleware.Secure(), gin-contrib secure
                    ctx.emit("signal", line=line_of(call), name="security-headers", detail=arg_text[:60])
        elif method in {"Group", "Route", "With"}:
            # (chi's `set := r.With(requireAccess(...))`: an inline router with the middleware added)
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
                prefix = (go.string_arg(call) or "") if method != "With" else ""
                group_prefix[name] = group_prefix.get(owner, "") + prefix
                group_parent.setdefault(name, owner)
                for arg in args[1:] if method != "With" else args:
                    if method == "With":
                        if _authenticates(text(arg)):
                            router_auth[name] = made_auth[name] = f"{owner}.With({text(arg)[:40]})"
                        if LIMIT.search(text(arg)):
                            router_limit[name] = made_limit[name] = f"{owner}.With({text(arg)[:40]})"
                    elif AUTH.search(text(arg)):
                        router_auth[name] = made_auth[name] = f"group {prefix} {text(arg)[:40]}"
                if owner in router_auth:
                    router_auth.setdefault(name, router_auth[owner])
    # `return webSession.handle(csrf.handle(mux))`, `return m.validateBasicAuth(mux)`: every route of
    # the mux the function returns passes through the wrapping middleware
    # (a function's text is a piece of the file's: a file without one of MUX_TEXTS, which every
    # MUX_CONSTRUCTOR match holds, has no function with a match; substring tests, not the pattern,
    # which has no literal prefix and is tried at every position of the file)
    functions = (
        descendants(root, "function_declaration", "method_declaration")
        if any(word in ctx.text for word in MUX_TEXTS) else ()
    )
    for function in functions:
        body = text(function)
        if "return" not in body or not MUX_CONSTRUCTOR.search(body):
            continue
        muxes = set()
        for declaration in descendants(function, "short_var_declaration"):
            left = field(declaration, "left")
            if left is not None and left.named_children and MUX_CONSTRUCTOR.search(text(field(declaration, "right"))):
                muxes.add(text(left.named_children[0]))
        for statement in descendants(function, "return_statement"):
            wrappers = list(descendants(statement, "call_expression"))
            guard = next((go.callee(w) for w in wrappers if WRAPPING_AUTH.search(go.callee(w))), None)
            if guard is None:
                continue
            for wrapper in wrappers:  # the mux may sit inside other wrappers: auth(csrf(mux))
                for argument in go.call_args(wrapper):
                    if argument.type == "identifier" and text(argument) in muxes:
                        router_auth.setdefault(text(argument), f"returned wrapped by {guard}")
    # echo registers `e.GET(path, handler, middleware...)`: the handler comes first, unlike gin's chain
    echo_routes = "labstack/echo" in ctx.text
    # engines made in this file (`gin := gin.Default()`, `api := echo.New()`) start the server whatever their name
    engines = {"r", "router", "e", "app", "engine", "server", "srv"}
    if "gin.New" in ctx.text or "gin.Default" in ctx.text or "echo.New" in ctx.text or "fiber.New" in ctx.text:
        engines |= set(ENGINE_VAR.findall(ctx.text))
    route_wrappers = _route_wrappers(ctx.text)
    local_wrappers = _local_wrappers(root) if route_wrappers or "func(h " in ctx.text or "func(next " in ctx.text else {}
    if "select" in ctx.text or "<-make(chan" in ctx.text or "<- make(chan" in ctx.text:
        for parked in BLOCK_FOREVER.finditer(ctx.text):
            ctx.emit("signal", line=ctx.text.count("\n", 0, parked.start()) + 1, name="blocks-forever", detail=parked.group().strip())
    for call in calls:
        name = go.callee(call)
        parts = go.call_parts(call)
        if name in {"http.ListenAndServe", "http.ListenAndServeTLS"} or (parts and parts[1] in {"ListenAndServe", "ListenAndServeTLS", "Run", "Start", "Listen"} and parts[0] not in {"http"}):
            if parts and (parts[1] in {"ListenAndServe", "ListenAndServeTLS"} or parts[0] in engines) and not any(
                text(argument) == "os.Args" for argument in go.call_args(call)
            ):  # (`app.Run(os.Args)` starts a command-line app: urfave/cli)
                ctx.emit("app", line=line_of(call), framework="go", name=name, loopback=_loopback_only(call))
        elif parts and parts[1] in {"Serve", "ServeTLS"} and _http_server_var(parts[0], ctx.text):
            # `srv := &http.Server{...}; srv.Serve(listener)`: started on a listener of its own
            ctx.emit("app", line=line_of(call), framework="go", name=name, loopback=False)
        if name in {"signal.Notify", "signal.NotifyContext"}:
            _signal_wait(call, ctx)
        if parts and parts[1] == "Shutdown":
            ctx.emit("signal", line=line_of(call), name="graceful-shutdown", detail=name)
        elif parts and (parts[1] in {"GracefulShutdown", "GracefulStop", "ListenAndServeGracefully"} or parts[0] in {"endless", "graceful", "manners"}):
            # libraries that trap SIGTERM and drain (ozzo-routing, gRPC, fvbock/endless, appleboy/graceful)
            ctx.emit("signal", line=line_of(call), name="graceful-shutdown", detail=name)
        if _limits_body(call, name, ctx):
            # only a reader wrapped inside one handler is scoped to it; middlewares apply to every request
            start, end = _handler_scope(call, LIMIT_SCOPE) if name in {"http.MaxBytesReader", "io.LimitReader"} else (0, 0)
            ctx.emit("signal", line=line_of(call), name="body-limit", detail=name, scope_start=start, scope_end=end)
        decoded = _body_decode(call, name, parts, ctx)
        if decoded:
            start, end = _handler_scope(call, REQUEST_PARAMS)
            ctx.emit("go_body_decode", line=line_of(call), call=decoded, scope_start=start, scope_end=end)
        if name in {"os.Getenv", "os.LookupEnv"}:
            key = go.string_arg(call)
            if key:
                ctx.emit("env_var", line=line_of(call), name=key, default=None, has_default=False)
        elif (not name.isascii() or "env" in name.lower()) and ENV_HELPER.fullmatch(name) and len(go.call_args(call)) >= 2:
            # (every ENV_HELPER name holds "env": on ASCII names, a substring test first)
            key, default = go.string_arg(call, 0), go.string_arg(call, 1)
            if key:
                ctx.emit("env_var", line=line_of(call), name=key, default=default, has_default=default is not None)
        if name in CLIENTS:
            ctx.emit("client", line=line_of(call), kind=CLIENTS[name], call=name)
            ctx.emit("signal", line=line_of(call), name="redis" if CLIENTS[name] == "redis" else "db", detail=name)
        if parts is None:
            wrapped = route_wrappers.get(name) if route_wrappers else None
            if wrapped is None:
                continue
            parts = wrapped  # `handle("GET /healthz", h)` where handle wraps mux.Handle(route, ...)
        owner, method = parts
        if method not in ROUTE_METHODS:
            continue
        owner = _scoped(call, owner, closures)
        args = go.call_args(call)
        path = go.string_arg(call)
        configured = False
        pattern_verb = ""
        if path is not None and (go122 := GO122_PATTERN.match(path)):
            # net/http (Go 1.22+) patterns: mux.HandleFunc("GET /healthz", h), "POST example.com/api/login"
            pattern_verb, path = go122.group(1), path[go122.end(1):].strip()
            path = path[path.find("/"):] if "/" in path else path
        if path is None or not (path.startswith("/") or path == ""):
            if method in {"Handle", "To"} and len(args) >= 3:
                path = go.string_arg(call, 1)  # gorilla r.Handle(method, path, h); ozzo r.To("GET,HEAD", path, h)
            elif path is None and len(args) >= 2:
                path = _configured_path(args[0])
                configured = path is not None
            if path is None or not path.startswith("/"):
                continue
        verb = method.upper() if method.upper() in {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"} else "ANY"
        chain = call.parent
        if chain is not None and chain.type == "selector_expression" and text(field(chain, "field")) == "Methods":
            outer = chain.parent
            methods = go.string_arg(outer) if outer is not None and outer.type == "call_expression" else None
            if methods:
                verb = methods.upper()
        if method == "To":
            verb = (go.string_arg(call, 0) or "ANY").split(",")[0].strip().upper() or "ANY"
        if pattern_verb:
            verb = pattern_verb
        if echo_routes and method != "To" and len(args) >= 2:
            middleware = " ".join(text(a) for a in args[2:])
            handler_node = args[1]
        else:
            middleware = " ".join(text(a) for a in args[2 if method == "To" else 1 : -1])
            handler_node = args[-1] if args else None
        if handler_node is not None and handler_node.type == "call_expression":
            middleware += " " + go.callee(handler_node)  # auth(handler) / AuthMiddleware(http.HandlerFunc(h))
            # `user(a.issueTicket)` where `user := func(h) http.Handler { return a.AuthMW.RequireUser(...) }`
            middleware += " " + local_wrappers.get(go.callee(handler_node), "")
        auth_via = ""
        if AUTH.search(middleware):
            match = AUTH.search(middleware)
            auth_via = f"middleware {middleware[max(0, match.start() - 10):match.end() + 15].strip()}" if match else "middleware"
        elif _inherited(owner, router_auth, group_parent):
            auth_via = _inherited(owner, router_auth, group_parent)
        elif ".With(" in owner and owner.split(".With(")[0] in router_auth:
            auth_via = router_auth[owner.split(".With(")[0]]  # chi/routegroup r.With(mw).Get(...) keeps r's middleware
        elif ".With(" in owner and _authenticates(owner.split(".With(", 1)[1].rstrip(")")):
            auth_via = f"{owner[:60]}"  # r.With(requireAccess(...)).Get(...)
        limit_via = _inherited(owner, router_limit, group_parent)
        if LIMIT.search(middleware):
            limit_via = "route middleware"
        elif ".With(" in owner and LIMIT.search(owner.split(".With(", 1)[1]):
            limit_via = "route middleware"  # r.With(rateLimiter).Post("/login", ...)
        handler_text = text(handler_node) if handler_node is not None else ""
        kind = "websocket" if _websocket_like(path, handler_text) else "http"
        ctx.emit(
            "route", line=line_of(call), method=verb, path=group_prefix.get(owner, "") + path, handler=handler_text[:60],
            router=_registering_function(call, owner, group_parent, package),
            framework="go", kind=kind, auth=bool(auth_via), auth_via=auth_via, configured_path=configured,
            rate_limited=bool(limit_via), limit_via=limit_via,
            # handler functions that check auth themselves are matched by name (dependency_alias below)
            param_annotations=[symbol] if (symbol := _handler_symbol(handler_node, call, package)) else [],
        )
    routed = set()
    for call in calls:
        parts = go.call_parts(call)
        if parts and parts[1] in ROUTE_METHODS:
            routed.add(_scoped(call, parts[0], closures))
    handed_on = _router_includes(calls, ctx, group_prefix, group_parent, package, (made_auth, made_limit))
    parents = set(group_parent.values())  # `protected := v1.Group("", auth)` whose sub-groups hold the routes
    for owner, how in router_auth.items():
        if owner not in routed and owner not in handed_on and owner not in parents:  # middleware for routes registered in other files
            ctx.emit("signal", name="global-auth", detail=how)
    _emit_self_authenticating_handlers(root, ctx)
    for name, (var_line, typ) in package_vars(root).items():
        ctx.emit("go_package_var", line=var_line, name=name, type=typ)
    for name, write_line, func_name, in_handler, in_goroutine in package_var_writes(root):
        ctx.emit("go_package_var_write", line=write_line, name=name, func=func_name, handler=in_handler, goroutine=in_goroutine)
    _emit_gin_and_prints(root, calls, ctx)
    if "RealIP" in ctx.text:
        _emit_forwarded_ip_middleware(root, ctx)
    _emit_discards(root, ctx)
    _emit_signing_keys(root, calls, ctx, package)
    if "signal.Notify" in ctx.text and any(go.callee(c) == "signal.Notify" for c in calls):
        ctx.emit("signal", name="signal-handler", detail="signal.Notify")
    if "html/template" in paths or any(word in ctx.text for word in GO_SERVES_PAGES_TEXTS) and GO_SERVES_PAGES.search(ctx.text):
        ctx.emit("signal", name="serves-pages", detail="html/template or a static file server")
    if any(path in SECURITY_HEADER_PACKAGES for path in paths):
        ctx.emit("signal", name="security-headers", detail="imports a security-headers middleware")
    lowered = lowered_text(ctx)
    if "x-" not in lowered and "-policy" not in lowered and "transport-security" not in lowered:
        return  # no header below can match (each holds one of these): spare the walk over every string
    request_id = False
    for literal in scan(root, "interpreted_string_literal"):
        value = (string_value(literal) or "").lower()
        if value in {"x-request-id", "x-correlation-id"} and not request_id:
            ctx.emit("signal", line=line_of(literal), name="request-id", detail=string_value(literal))
            request_id = True
        elif value in PROTECTIVE_HEADERS:
            ctx.emit("signal", line=line_of(literal), name="security-headers", detail=string_value(literal))
        elif value in OTHER_RESPONSE_HEADERS:
            ctx.emit("signal", line=line_of(literal), name="response-headers-set", detail=string_value(literal))


def _signal_wait(call: Any, ctx: TreeContext) -> None:
    """Where the process waits for SIGTERM/Ctrl-C: the `<-c` receive on the channel handed to
    signal.Notify (or the Notify call itself). The shutdown rule points there when nothing drains."""
    args = go.call_args(call)
    if not args or (len(args) > 1 and not any(re.search(r"SIGTERM|Interrupt|SIGINT", text(a)) for a in args[1:])):
        return
    channel = text(args[0])
    func = go.enclosing_function(call)
    line = line_of(call)
    if func is not None and re.fullmatch(r"\w+", channel):
        for receive in descendants(func, "unary_expression"):
            if text(receive).replace(" ", "") == f"<-{channel}" and receive.start_byte > call.start_byte:
                line = line_of(receive)
                break
    ctx.emit("signal", line=line, name="signal-wait", detail=channel)
