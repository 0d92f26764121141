"""JavaScript/TypeScript facts: frameworks, apps, Express/Next.js routes with auth and limits,
env vars, clients and signals."""

from __future__ import annotations

import posixpath
import re
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import code_text, descendants, field, line_of, scan, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Language
from prodready.rules.base import FactCollector

FACTS = FactCollector("javascript")
LANGS = (Language.JAVASCRIPT, Language.TYPESCRIPT)

FRAMEWORKS = {"express": "express", "koa": "koa", "fastify": "fastify", "@nestjs/core": "nestjs", "@nestjs/common": "nestjs", "next": "nextjs", "next/server": "nextjs", "hono": "hono"}
SIGNALS = (
    ("metrics", lazy_compile(r"^(prom-client|express-prom-bundle|@opentelemetry/sdk-metrics|hot-shots|dd-trace)$")),
    ("tracing", lazy_compile(r"^(@opentelemetry/.*|dd-trace|elastic-apm-node|newrelic)$")),
    ("request-id", lazy_compile(r"(request-id|correlation|cls-rtracer)")),
    ("cors", lazy_compile(r"^(cors|@fastify/cors|@koa/cors)$")),
    ("structured-logging", lazy_compile(r"^(pino|pino-http|winston|bunyan|log4js|loglevel|tslog|consola|signale|@nestjs/common|nestjs-pino|@logtail/.*|roarr)$")),
    ("csrf", lazy_compile(r"^(csurf|csrf-csrf|csrf-sync|tiny-csrf|@fastify/csrf-protection|koa-csrf|@dr.pogodin/csurf)$")),
    ("security-headers", lazy_compile(r"^(helmet|koa-helmet|@fastify/helmet|hono/secure-headers)$")),
    ("rate-limit", lazy_compile(r"^(express-rate-limit|rate-limiter-flexible|@nestjs/throttler|koa-ratelimit|express-slow-down|@fastify/rate-limit|@upstash/ratelimit)$")),
)
METHODS = {"get", "post", "put", "delete", "patch", "all", "options", "head"}
AUTH = lazy_compile(r"(?i)(auth|jwt|token|session|passport|login|protect|guard|verify|apikey|api_key|bearer|ensure|require(user|login|admin|role)|isadmin|permission|clerk|(has|check|require)_?roles?\b|^roles?\b)")
NOT_AUTH = lazy_compile(r"(?i)(sign_?up|duplicate|exist|valid|initiali[sz]e|cors|helmet|json|static|urlencoded|session\(|cookieParser|morgan|compression|limit|throttl|xss|csrf|lusca|multer|upload|logger|controller|router\b|routes?\b|Router|Routes?$)")
LIMIT = lazy_compile(r"(?i)(rate.?limit|limiter|throttl|slow.?down|brute|speed.?limit|^limit\w*$|\w+Limit$)")


OWN_LOGGER_FILE = lazy_compile(r"(?i)(^|/)(log|logs|logger|logging)(\.[cm]?[jt]s$|/index\.[cm]?[jt]s$)")
LEVEL_NAMES = lazy_compile(r"\b(debug|info|warn|error)\s*[:(=]")
# it writes JSON lines that carry the level: `JSON.stringify({ ts, level, msg, ...fields })`
LEVELED_OUTPUT = lazy_compile(r"JSON\.stringify\(\s*\{[^}]*\blevel\b")

INLINE_AUTH = lazy_compile(r"\b(401|403)\b|Unauthori[sz]ed|Forbidden|isAuthenticated\(")


def _mw_name(arg: Any) -> str:
    """The name a middleware argument goes by: `loginLimiter`, `rateLimit` (for rateLimit({...})), `auth.required`,
    or the hooks of a Fastify route options object (`{ preHandler: [fastify.authenticate] }`)."""
    if arg.type == "object":
        hooks = [js.object_value(arg, k) for k in ("preHandler", "onRequest", "preValidation", "preParsing")]
        return " ".join(text(h) for h in hooks if h is not None)
    if arg.type == "call_expression":
        return js.callee(arg)
    if arg.type in {"identifier", "member_expression"}:
        return text(arg)
    return ""
def _flatten(arguments: list[Any]) -> list[Any]:
    """Middleware given as arrays: router.get("/x", [auth, validate], handler)."""
    out: list[Any] = []
    for arg in arguments:
        out.extend(_flatten(list(arg.named_children)) if arg.type == "array" else [arg])
    return out


def _is_auth_arg(arg: Any) -> bool:
    """A route/use argument that authenticates: `passportConfig.isAuthenticated`, `auth.required`, `requireRole("admin")`,
    `passport.authenticate("jwt")`, or an inline (req, res, next) function that answers 401/403."""
    if arg.type in {"arrow_function", "function_expression"}:
        return bool(INLINE_AUTH.search(text(arg)))
    if arg.type == "string":
        return False
    name = _mw_name(arg)
    return bool(AUTH.search(name)) and not NOT_AUTH.search(name)


NEXT_AUTH = lazy_compile(
    r"(getServerSession|getToken|\bauth\(\)|currentUser|verify\w*\(|authorization|requireAuth|withAuth|getSession|validateApiKey|checkAuth"
    r"|\b(?:require|ensure|check|validate|verify|with)\w*(?:Session|User|Auth|Token|ApiKey|Admin)\w*\(|auth\.getUser\(|getAuth\("
    r"|\{[^}]*\bauth\b[^}]*\}\s*=\s*await\b)"
)
CHAINED_ROUTE = lazy_compile(r"\.route\(\s*['\"]([^'\"]+)['\"]\s*\)")
CLIENTS = {
    "axios.create": "axios", "Redis": "redis", "IORedis": "redis", "createClient": "redis", "mongoose.connect": "mongo",
    "mongoose.createConnection": "mongo", "MongoClient": "mongo", "Pool": "postgres", "pg.Pool": "postgres",
    "PrismaClient": "prisma", "Sequelize": "sequelize", "knex": "knex", "mysql.createPool": "mysql", "mysql.createConnection": "mysql",
    "OpenAI": "llm", "Anthropic": "llm", "DataSource": "typeorm", "drizzle": "drizzle",
}
HTTP_VERBS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}


@FACTS.on_tree("program", languages=LANGS)
def collect(root: Any, ctx: TreeContext) -> None:
    if ctx.is_test_file:
        return
    modules = {m.split("#")[0] for m in ctx.imports.values()}
    for module in sorted(modules):
        if module in FRAMEWORKS:
            ctx.emit("framework", name=FRAMEWORKS[module])
        for name, pattern in SIGNALS:
            if pattern.search(module):
                ctx.emit("signal", name=name, detail=f"imports {module}")
    if OWN_LOGGER_FILE.search(ctx.path) and len(set(LEVEL_NAMES.findall(ctx.text))) >= 3 and LEVELED_OUTPUT.search(ctx.text):
        # the project's own logger module: levels and JSON lines (lib/logger.ts); a leveled logger
        # that prints plain text is still unstructured
        ctx.emit("signal", name="structured-logging", detail=f"own leveled logger in {ctx.path}")
    calls = list(descendants(root, "call_expression"))
    router_auth: dict[str, str] = {}
    router_limit: dict[str, str] = {}
    router_scoped_auth: dict[str, list[tuple[str, str]]] = {}
    routed: set[str] = set()
    route_framework = next((FRAMEWORKS[m] for m in ("fastify", "koa", "hono", "express") if m in modules), "express")
    limiter_vars: set[str] = set()
    for call in calls:
        name = js.callee(call)
        if name in CLIENTS:
            ctx.emit("client", line=line_of(call), kind=CLIENTS[name], call=name)
        if name == "express" and call.parent is not None and call.parent.type == "variable_declarator" and "express" in modules:
            ctx.emit("app", line=line_of(call), framework="express", name="express()")  # where the application object is created
        elif name == "lusca.csrf" or name == "lusca" and "csrf" in text(call):
            ctx.emit("signal", line=line_of(call), name="csrf", detail=text(call)[:40])
        elif name.startswith("lusca.") and ctx.imports.get("lusca", "").split("#")[0] == "lusca":
            ctx.emit("signal", line=line_of(call), name="lusca-headers", detail=name)
        elif name.endswith(".set") and js.args(call) and string_value(js.args(call)[0]) == "view engine":
            ctx.emit("signal", line=line_of(call), name="server-rendered-views", detail=text(call)[:60])
        elif ctx.imports.get(name, "").split("#")[0] == "express-session":
            ctx.emit("signal", line=line_of(call), name="cookie-session", detail="express-session")
        if name.endswith((".disable", ".set")) and js.args(call) and string_value(js.args(call)[0]) == "x-powered-by":
            ctx.emit("signal", line=line_of(call), name="x-powered-by-off", detail=text(call)[:60])
        if name.split(".")[-1] in SHUTDOWN_HELPERS:
            ctx.emit("signal", line=line_of(call), name="graceful-shutdown", detail=name)
        if name in {"rateLimit", "slowDown"} or name.endswith(("rateLimit", "RateLimit")):
            ctx.emit("signal", line=line_of(call), name="rate-limit", detail=name)
            options = js.args(call)[0] if js.args(call) else None
            if not js.object_has_key(options, "store"):
                ctx.emit("signal", line=line_of(call), name="limiter-storage", detail="memory (express-rate-limit default store)")
            declarator = call.parent
            if declarator is not None and declarator.type == "variable_declarator":
                limiter_vars.add(text(field(declarator, "name")))
    for node in descendants(root, "new_expression"):
        constructor = text(field(node, "constructor"))
        if constructor in CLIENTS:
            ctx.emit("client", line=line_of(node), kind=CLIENTS[constructor], call=f"new {constructor}")
        if constructor == "RateLimiterMemory":
            ctx.emit("signal", line=line_of(node), name="limiter-storage", detail="memory (RateLimiterMemory)")
            ctx.emit("signal", line=line_of(node), name="rate-limit", detail=constructor)
        elif constructor.split(".")[-1] in {"WebSocketServer", "Server"} and ctx.imports.get(constructor.split(".")[0], "").split("#")[0] in {"ws", "socket.io"}:
            ctx.emit("signal", line=line_of(node), name="websocket", detail=constructor)
    for call in calls:
        parts = js.member_parts(field(call, "function"))
        if parts is None:
            continue
        owner, method = parts
        arguments = js.args(call)
        if method == "use" and (owner == "passport" or owner.endswith(".passport")):
            continue  # passport.use(new LocalStrategy(...)) registers a login strategy: no request passes through it
        if method == "use":
            scope = string_value(arguments[0]) if arguments else None
            if scope and any(LIMIT.search(_mw_name(a)) or text(a) in limiter_vars for a in arguments[1:]):
                ctx.emit("signal", line=line_of(call), name="scoped-rate-limit", detail=scope)
                continue
            if scope and scope.startswith("/"):  # app.use("/admin", requireAuth): later routes under /admin in this file
                scoped_auth = next((a for a in _flatten(arguments[1:]) if _is_auth_arg(a)), None)
                if scoped_auth is not None:
                    router_scoped_auth.setdefault(owner, []).append((scope.rstrip("/"), f"{owner}.use({text(scoped_auth)[:40]})"))
            for arg in _flatten(arguments) if not scope else []:  # app.use("/prefix", auth, router) protects that prefix only
                arg_text = text(arg)
                if arg.type in {"string", "arrow_function", "function_expression", "function"}:
                    continue
                if LIMIT.search(_mw_name(arg)) or arg_text in limiter_vars:
                    router_limit[owner] = f"{owner}.use({arg_text[:40]})"
                elif AUTH.search(js.callee(arg) if arg.type == "call_expression" else arg_text) and not NOT_AUTH.search(arg_text):
                    router_auth[owner] = f"{owner}.use({arg_text[:40]})"
            _router_include(call, ctx, owner, arguments, scope, router_auth.get(owner, ""), router_limit.get(owner, ""), limiter_vars)
            if any(text(a).startswith("express.json") and "limit" in text(a) for a in arguments):
                ctx.emit("signal", line=line_of(call), name="body-limit", detail="express.json({limit})")
        elif method == "listen" and (owner in {"app", "server", "httpServer", "fastify", "srv"} or _created_server(owner)):
            owner_name = owner if owner.isidentifier() else owner.split("(")[0]
            ctx.emit("app", line=line_of(call), framework="express" if "express" in modules else "node", name=f"{owner_name}.listen")
        elif method in {"on", "once", "addListener"} and owner == "process" and arguments and (
            string_value(arguments[0]) in {"SIGTERM", "SIGINT"} or _signal_nearby(call)
        ):
            ctx.emit("signal", line=line_of(call), name="graceful-shutdown", detail=f"process.{method}({text(arguments[0])[:20]})")
        if method not in METHODS or not arguments:
            continue
        path = string_value(arguments[0])
        chained = CHAINED_ROUTE.search(owner)
        if path is None and chained:  # router.route('/x').get(auth(), handler).post(...)
            path = chained.group(1)
            owner = owner[: chained.start()].split(".")[0].split("(")[0]
            arguments = [arguments[0], *arguments]  # align: arguments[1:-1] are the middleware
        if path is None or not path.startswith("/"):
            continue
        if _client_call(ctx, owner, arguments):
            continue  # `API.post('/auth/login', { email, password })`: a browser/HTTP client, not a route
        routed.add(owner)
        auth_via = ""
        middleware = _flatten(arguments[1:-1])
        for arg in middleware:
            if _is_auth_arg(arg):
                auth_via = f"middleware {text(arg)[:50]}"
                break
        if auth_via:
            pass
        elif owner in router_auth:
            auth_via = router_auth[owner]
        else:
            auth_via = next((how for prefix, how in router_scoped_auth.get(owner, []) if path == prefix or path.startswith(prefix + "/")), "")
        limit_via = "route middleware" if any(LIMIT.search(_mw_name(a)) or text(a) in limiter_vars for a in middleware) else router_limit.get(owner, "")
        handler = arguments[-1]
        _readiness(ctx, call, path, handler)
        ctx.emit(
            "route", line=line_of(call), method=method.upper() if method != "all" else "ANY", path=path,
            handler=js.function_name(handler) or text(handler)[:40].split("\n")[0], framework=route_framework,
            kind="http", auth=bool(auth_via), auth_via=auth_via, rate_limited=bool(limit_via), limit_via=limit_via,
            router=module_name(ctx.path),
        )
    for owner, how in router_auth.items():
        if owner not in routed:
            ctx.emit("signal", name="global-auth", detail=how)
    for owner, how in router_limit.items():
        if owner not in routed:
            ctx.emit("signal", name="global-rate-limit", detail=how)
    _next_routes(root, ctx)
    _nitro_routes(root, ctx)
    _nest_routes(root, ctx, modules)
    _env_vars(root, ctx)
    _process_signals(root, ctx, calls)
    if "timeout" in ctx.text and ("fetch(" in ctx.text or "axios" in ctx.text or "got(" in ctx.text):
        _http_wrappers(root, ctx)
    _http_wrapper_calls(ctx, calls)


AXIOS_METHODS = {"get", "post", "put", "delete", "patch", "head", "request", "options"}


def _axios(root: Any, ctx: TreeContext, calls: list[Any]) -> None:
    """axios calls without a per-call timeout (PR-TO-001 reads them with the app-wide default)."""
    if not any(m.split("#")[0] == "axios" for m in ctx.imports.values()):
        return
    for node in descendants(root, "assignment_expression"):
        if text(field(node, "left")).endswith("defaults.timeout"):
            ctx.emit("signal", line=line_of(node), name="axios-default-timeout", detail=text(node)[:60])
    if not js.is_server_file(ctx):
        return
    for call in calls:
        name = js.callee(call)
        method = name.split(".")[1] if name.startswith("axios.") and name.count(".") == 1 else ("request" if name == "axios" else "")
        if method not in AXIOS_METHODS or ctx.imports.get("axios", "").split("#")[0] != "axios":
            continue
        arguments = js.args(call)
        index = 0 if method == "request" else 2 if method in {"post", "put", "patch"} else 1
        config = arguments[index] if len(arguments) > index else None
        if config is not None and not _config_without_timeout(config):
            continue  # config built elsewhere, or a timeout set on the call
        ctx.emit("js_axios_call", line=line_of(call), call=name)


def _config_without_timeout(config: Any) -> bool:
    """An inline request config that sets no timeout: `{ headers }`, or `auth ? { headers } : undefined`."""
    if config.type == "object":
        return not js.object_has_key(config, "timeout")
    if config.type == "ternary_expression":
        branches = [field(config, "consequence"), field(config, "alternative")]
        return all(
            b is not None and (text(b) in {"undefined", "null", "{}"} or b.type == "object" and not js.object_has_key(b, "timeout"))
            for b in branches
        )
    return text(config) == "undefined"


def _signal_nearby(call: Any) -> bool:
    """process.on(sig, ...) inside `for (const sig of ["SIGTERM", ...])` or `[...].forEach(sig => ...)`."""
    node = call
    for _ in range(5):
        node = node.parent
        if node is None:
            return False
        if node.type in {"for_in_statement", "call_expression"} and re.search(r"SIGTERM|SIGINT", text(node)[:300]):
            return True
    return False


SHUTDOWN_HELPERS = {"createTerminus", "createHttpTerminator", "stoppable", "createLightship", "gracefulShutdown"}
LIMITER_NAME = lazy_compile(r"(?i)(rate|limit|throttl|attempt|hits|request_?counts?|buckets?)")
NEXT_MIDDLEWARE = lazy_compile(r"^(?:src/)?(middleware|proxy)\.[jt]s$")


def _process_signals(root: Any, ctx: TreeContext, calls: list[Any]) -> None:
    for declarator in descendants(root, "variable_declarator"):
        value = field(declarator, "value")
        name = text(field(declarator, "name"))
        if value is None or not LIMITER_NAME.search(name) or not js.is_top_level(declarator):
            continue
        if value.type == "new_expression" and text(field(value, "constructor")) == "Map" or value.type == "object" and not value.named_children:
            ctx.emit("signal", line=line_of(declarator), name="in-process-limiter", detail=f"module-level {name}")
            ctx.emit("signal", line=line_of(declarator), name="rate-limit", detail=f"in-process {name}")
    _axios(root, ctx, calls)
    _template_env(ctx, calls)
    for call in calls:
        name = js.callee(call)
        if name == "cluster.fork":
            ctx.emit("signal", line=line_of(call), name="multi-worker", detail="cluster.fork()")
    if ctx.path.rsplit("/", 1)[-1].startswith("ecosystem.config") and re.search(r"exec_mode\s*:\s*['\"]cluster|instances\s*:\s*(['\"]max|-?\d*[02-9]|\d{2})", ctx.text):
        ctx.emit("signal", name="multi-worker", detail="pm2 cluster mode")
    is_next = any(m.startswith("next") for m in ctx.imports.values()) or "matcher" in ctx.text
    if NEXT_MIDDLEWARE.search(ctx.path) and is_next and re.search(r"(?i)auth|session|token|clerk", ctx.text):
        ctx.emit("signal", name="global-auth", detail=f"Next.js {ctx.path.rsplit('/', 1)[-1]}")


TEMPLATE_ENV = lazy_compile(r"(?i)(\.env\.(example|sample|template|dist|defaults)|\w*\.?env\.?(example|sample|template)|example\.env)\b")


def _template_env(ctx: TreeContext, calls: list[Any]) -> None:
    """process.loadEnvFile('.env.example') / dotenv.config({ path: '.env.example' }): the committed example file is
    the runtime configuration."""
    if js.SCRIPT_PATH.search(ctx.path):
        return
    for call in calls:
        name = js.callee(call)
        # (the arguments only for the callees read below: this is asked of every call)
        if name.endswith("loadEnvFile"):
            arguments = js.args(call)
            if not arguments:
                continue
            source = arguments[0]
        elif (name.endswith(".config") or name in {"config", "configDotenv", "dotenv.configDotenv"}) and (
            arguments := js.args(call)
        ) and arguments[0].type == "object":
            if not any(m.split("#")[0] in {"dotenv", "dotenv-safe", "dotenv-flow"} for m in ctx.imports.values()) and "dotenv" not in name:
                continue
            source = js.object_value(arguments[0], "path")
            if source is None:
                continue
        else:
            continue
        found = TEMPLATE_ENV.search(text(source))
        if found is None or any(a.type == "if_statement" and re.search(r"(?i)\btest|jest|vitest|\bci\b", text(field(a, "condition"))) for a in _ancestors(call)):
            continue
        ctx.emit("signal", line=line_of(call), name="loads-template-env", detail=found.group(1).rsplit("/", 1)[-1], call=text(call)[:80].split("\n")[0])


def _ancestors(node: Any) -> list[Any]:
    out = []
    while node.parent is not None:
        node = node.parent
        out.append(node)
    return out


STRING_LITERAL = lazy_compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
OBJECT_KEY = lazy_compile(r"[\w$]+\s*:(?!:)")
READY_PATH = lazy_compile(r"(?i)(^|/)(ready|readyz|readiness)$|/health/ready")
HEALTH_ROUTE = lazy_compile(r"(?i)(^|/)(health|healthz|healthcheck|health-check|livez|ping|status|_health|heartbeat)$")
CHECKS_SOMETHING = lazy_compile(
    r"(?i)\b(await|query|ping|\$queryRaw|raw\(|authenticate\(|select\s+1|redis|prisma|db\.|pool\.|client\.|mongoose|connection|isConnected|readyState|status\(\s*503|\b503\b|check\w*\()"
)


def _readiness(ctx: TreeContext, call: Any, path: str, handler: Any) -> None:
    """A readiness (or health) route and whether its inline handler answers without looking at any
    dependency; a handler passed by name is recorded as unknown (static None)."""
    ready = bool(READY_PATH.search(path.rstrip("/")))
    if not ready and not HEALTH_ROUTE.search(path.rstrip("/")):
        return
    if handler.type not in {"arrow_function", "function_expression", "function_declaration"}:
        ctx.emit("js_readiness", line=line_of(call), path=path, static=None, todo=False, ready=ready)
        return
    body = text(field(handler, "body"))
    # what the handler does, not what it says: `{ database: 'ok', redis: 'ok' }` checks nothing
    code = OBJECT_KEY.sub(" ", STRING_LITERAL.sub('""', code_text(field(handler, "body"))))
    ctx.emit("js_readiness", line=line_of(call), path=path, static=not CHECKS_SOMETHING.search(code), todo="TODO" in body, ready=ready)


def module_name(path: str) -> str:
    """src/routes/index.js -> src.routes; src/routes/user.route.ts -> src.routes.user.route."""
    name = re.sub(r"\.[cm]?[jt]sx?$", "", path).replace("/", ".")
    return name[: -len(".index")] if name.endswith(".index") else name


def _created_server(owner: str) -> bool:
    """`http.createServer(app).listen(...)`: the server made and started in one expression."""
    return owner.startswith(("http.createServer(", "https.createServer(", "http2.createServer(", "http2.createSecureServer("))


def _router_include(
    call: Any, ctx: TreeContext, owner: str, arguments: list[Any], scope: str | None, owner_auth: str, owner_limit: str, limiter_vars: set[str]
) -> None:
    """app.use("/users", requireAuth, usersRouter) with usersRouter imported from a relative module."""
    if not arguments:
        return
    last = arguments[-1]
    if last.type == "identifier":
        spec = ctx.imports.get(text(last), "").split("#")[0]
    elif last.type == "call_expression" and js.callee(last) == "require" and js.args(last):  # app.use("/x", require("./routes/x"))
        spec = string_value(js.args(last)[0]) or ""
    else:
        return
    if not spec.startswith("."):
        return
    target = posixpath.normpath(posixpath.join(posixpath.dirname(ctx.path), spec))
    middleware = _flatten([a for a in arguments[:-1] if a.type != "string"])
    auth_via = next((f"{owner}.use({text(a)[:40]})" for a in middleware if _is_auth_arg(a)), "")
    limit_via = next((f"{owner}.use({text(a)[:40]})" for a in middleware if LIMIT.search(_mw_name(a)) or text(a) in limiter_vars), "")
    ctx.emit(
        "router_include", line=line_of(call), router=module_name(target), parent=module_name(ctx.path),
        prefix=(scope or "").rstrip("/"), auth_via=auth_via or owner_auth, limit_via=limit_via or owner_limit,
    )


NEST_METHODS = {"Get", "Post", "Put", "Delete", "Patch", "All", "Options", "Head"}
NEST_PUBLIC = lazy_compile(r"^(Public|AllowAnonymous|SkipAuth|IsPublic|NoAuth|Anonymous)$")


def _decorator_call(decorator: Any) -> tuple[str, list[Any]]:
    inner = decorator.named_children[0] if decorator.named_children else None
    if inner is None:
        return "", []
    if inner.type == "call_expression":
        return js.callee(inner), js.args(inner)
    return text(inner), []


def _nest_routes(root: Any, ctx: TreeContext, modules: set[str]) -> None:
    """NestJS controllers: @Controller(prefix) classes with @Get/@Post... methods, @UseGuards and @Throttle."""
    if "@nestjs/common" not in modules and "@nestjs/core" not in modules:
        return
    for call in descendants(root, "call_expression"):
        name = js.callee(call)
        if name.endswith("useGlobalGuards") and any(AUTH.search(text(a)) for a in js.args(call)):
            ctx.emit("signal", line=line_of(call), name="global-auth", detail=f"{name}({text(js.args(call)[0])[:40]})")
        applied = re.search(r"\.apply\(([^)]*)\)", name)
        if name.endswith(".forRoutes") and applied and AUTH.search(applied.group(1)):
            # consumer.apply(AuthMiddleware).forRoutes(...): route-level matching is approximated as app-wide
            ctx.emit("signal", line=line_of(call), name="global-auth", detail=f"apply({applied.group(1)[:40]}).forRoutes")
    if re.search(r"provide:\s*APP_GUARD,\s*useClass:\s*\w*(Auth|Jwt|Session|Clerk|Roles)\w*", ctx.text):
        ctx.emit("signal", name="global-auth", detail="APP_GUARD")
    if re.search(r"provide:\s*APP_GUARD,\s*useClass:\s*ThrottlerGuard", ctx.text):
        ctx.emit("signal", name="global-rate-limit", detail="APP_GUARD ThrottlerGuard")
    for cls in descendants(root, "class_declaration"):
        decorators = [c for c in cls.children if c.type == "decorator"]
        if cls.parent is not None and cls.parent.type == "export_statement":
            decorators += [c for c in cls.parent.children if c.type == "decorator"]
        calls = [_decorator_call(d) for d in decorators]
        controller = next((a for n, a in calls if n == "Controller"), None)
        if controller is None:
            continue
        prefix = (string_value(controller[0]) or string_value(js.object_value(controller[0], "path")) or "") if controller else ""
        class_auth = next((f"@UseGuards({' '.join(text(x) for x in a)[:40]})" for n, a in calls if n == "UseGuards" and any(AUTH.search(text(x)) and not LIMIT.search(text(x)) for x in a)), "")
        class_limit = next((f"@{n}" for n, a in calls if n == "Throttle" or n == "UseGuards" and any("Throttl" in text(x) for x in a)), "")
        body = field(cls, "body")
        pending: list[tuple[str, list[Any]]] = []
        lines: dict[str, int] = {}
        for member in body.named_children if body is not None else []:
            if member.type == "decorator":
                pending.append(_decorator_call(member))
                lines.setdefault(pending[-1][0], line_of(member))
                continue
            if member.type != "method_definition":
                pending = []
                continue
            verbs = [(n, a) for n, a in pending if n in NEST_METHODS]
            method_calls, pending = pending, []
            verb_lines, lines = lines, {}
            if not verbs:
                continue
            verb, verb_args = verbs[0]
            sub = string_value(verb_args[0]) if verb_args else ""
            path = "/" + "/".join(p.strip("/") for p in (prefix, sub or "") if p and p.strip("/"))
            auth_via = next((f"@UseGuards({' '.join(text(x) for x in a)[:40]})" for n, a in method_calls if n == "UseGuards" and any(AUTH.search(text(x)) and not LIMIT.search(text(x)) for x in a)), "") or class_auth
            if any(NEST_PUBLIC.match(n) for n, _ in method_calls):
                auth_via = "explicitly public (@Public())"
            limit_via = next((f"@{n}" for n, a in method_calls if n == "Throttle"), "") or class_limit
            if any(n == "SkipThrottle" for n, _ in method_calls):
                limit_via = ""
            ctx.emit(
                "route", line=verb_lines.get(verb, line_of(member)), method=verb.upper() if verb != "All" else "ANY", path=re.sub(r"/+", "/", path),
                handler=text(field(member, "name")), framework="nestjs", kind="http", auth=bool(auth_via), auth_via=auth_via,
                rate_limited=bool(limit_via), limit_via=limit_via, router=module_name(ctx.path),
            )


NITRO_ROUTE = lazy_compile(r"(?:^|/)server/(api|routes)/(.+?)(?:\.(get|post|put|patch|delete|head|options))?\.[cm]?[jt]s$")
# Nitro/h3 handler factories: `export default defineEventHandler(...)`; a project wrapper whose name
# says it checks the caller (`definePermissionEventHandler('admin', ...)`) protects the route.
NITRO_HANDLER = lazy_compile(r"^(define\w*(?:Event|Request)?Handler|eventHandler|defineCachedEventHandler)$")
NITRO_AUTH_WRAPPER = lazy_compile(r"(?i)(permission|auth|protected|session|user|admin|secure)")


def _nitro_routes(root: Any, ctx: TreeContext) -> None:
    """Nuxt/Nitro file routes: `server/api/auth/login.post.ts` is POST /api/auth/login."""
    match = NITRO_ROUTE.search(ctx.path)
    if match is None or "defineEventHandler" not in ctx.text and "eventHandler" not in ctx.text and "Handler(" not in ctx.text:
        return
    base, rest, verb = match.group(1), match.group(2), match.group(3)
    path = ("/api/" if base == "api" else "/") + re.sub(r"(^|/)index$", "", rest)
    path = re.sub(r"\[\.*(\w+)\]", r":\1", path).rstrip("/") or "/"
    for export in descendants(root, "export_statement"):
        if not any(c.type == "default" for c in export.children):
            continue
        call = next((c for c in export.named_children if c.type == "call_expression"), None)
        if call is None:
            continue
        factory = js.callee(call)
        if not NITRO_HANDLER.match(factory):
            continue
        body = text(call)
        wrapper = factory not in {"defineEventHandler", "eventHandler", "defineCachedEventHandler"} and NITRO_AUTH_WRAPPER.search(factory)
        auth = NEXT_AUTH.search(body)
        auth_via = f"handler {factory}" if wrapper else f"in-handler {auth.group(1)}" if auth else ""
        ctx.emit(
            "route", line=line_of(export), method=(verb or "ANY").upper(), path=path, handler="default",
            framework="nitro", kind="http", auth=bool(auth_via), auth_via=auth_via,
            rate_limited=bool(re.search(r"(?i)ratelimit|rateLimit|limiter", body)),
            limit_via="in-handler limiter" if re.search(r"(?i)ratelimit|limiter", body) else "",
        )
        return


def _next_routes(root: Any, ctx: TreeContext) -> None:
    match_pages = re.search(r"(?:^|/)pages/(api/.+?)\.(?:[jt]sx?)$", ctx.path)
    match_app = re.search(r"(?:^|/)app/(.*?)/?route\.[jt]s$", ctx.path)
    if not (match_pages or match_app):
        return
    if match_pages:
        path = "/" + re.sub(r"/index$", "", match_pages.group(1))
    else:
        assert match_app is not None
        path = "/" + match_app.group(1).rstrip("/")
    path = re.sub(r"/\([^/)]*\)", "", path) or "/"  # route groups: app/(auth)/api/...
    path = re.sub(r"\[\.*(\w+)\]", r":\1", path)
    for export in descendants(root, "export_statement"):
        declaration = field(export, "declaration")
        name = js.function_name(declaration) if declaration is not None else ""
        is_default = any(c.type == "default" or text(c) == "default" for c in export.children)
        if match_app and name not in HTTP_VERBS:
            continue
        if match_pages and not is_default:
            continue
        body = text(declaration) if declaration is not None else text(export)
        auth = NEXT_AUTH.search(body) or re.search(r"(?:^|/)middleware\.[jt]s$", ctx.path)
        ctx.emit(
            "route", line=line_of(export), method=name if name in HTTP_VERBS else "ANY", path=path, handler=name or "default",
            framework="nextjs", kind="http", auth=bool(auth), auth_via=f"in-handler {auth.group(1)}" if auth else "",
            rate_limited=bool(re.search(r"(?i)ratelimit|rateLimit|checkRateLimit|limiter", body)),
            limit_via="in-handler limiter" if re.search(r"(?i)ratelimit|limiter", body) else "",
        )
        if name in {"GET", ""} and declaration is not None:
            # `export async function GET() { return Response.json({ ok: true }) }`: a probe route
            handler: Any = declaration
            if declaration.type in {"lexical_declaration", "variable_declaration"}:
                declarator = next(iter(descendants(declaration, "variable_declarator")), None)
                handler = field(declarator, "value") if declarator is not None else None
            if handler is not None:
                _readiness(ctx, export, path, handler)


def _env_vars(root: Any, ctx: TreeContext) -> None:
    if "process.env" not in ctx.text:
        return  # both reads below need a node whose text is `process.env`: a piece of the file's
    for declarator in descendants(root, "variable_declarator"):
        pattern = field(declarator, "name")
        if pattern is None or pattern.type != "object_pattern" or text(field(declarator, "value")) != "process.env":
            continue
        for item in pattern.named_children:  # const { PORT = "3000", DATABASE_URL } = process.env
            if item.type == "shorthand_property_identifier_pattern":
                ctx.emit("env_var", line=line_of(item), name=text(item), default=None, has_default=False)
            elif item.type == "object_assignment_pattern":
                left, right = field(item, "left"), field(item, "right")
                ctx.emit("env_var", line=line_of(item), name=text(left), default=string_value(right) or text(right)[:40], has_default=True)
            elif item.type == "pair_pattern":
                key = field(item, "key")
                value = field(item, "value")
                default_node = field(value, "right") if value is not None and value.type == "assignment_pattern" else None
                fallback = (string_value(default_node) or text(default_node)[:40]) if default_node is not None else None
                ctx.emit("env_var", line=line_of(item), name=text(key), default=fallback, has_default=fallback is not None)
    # (gathered by a query of their own: only files that name process.env get here, and member
    # expressions are a third of a JS tree, too many to gather in every file after this one)
    for node in scan(root, "member_expression", "subscript_expression"):
        obj = text(field(node, "object"))
        if obj != "process.env":
            continue
        if node.type == "member_expression":
            name = text(field(node, "property"))
        else:
            name = string_value(field(node, "index")) or ""
        if not name:
            continue
        default = None
        parent = node.parent
        operator = text(field(parent, "operator")) if parent is not None and parent.type == "binary_expression" else ""
        if operator in {"||", "??"} and parent is not None and field(parent, "left") == node:
            default = string_value(field(parent, "right")) or text(field(parent, "right"))[:40]
        elif operator in {"===", "==", "!==", "!="} and parent is not None:
            # `process.env.X === "true"`: a switch that is off unless set (and `!== "false"`: on unless set)
            other = field(parent, "right") if field(parent, "left") == node else field(parent, "left")
            compared = (string_value(other) or "").lower() if other is not None else ""
            if compared in {"true", "1", "yes", "on"}:
                default = "false" if operator in {"===", "=="} else "true"
            elif compared in {"false", "0", "no", "off"}:
                default = "true" if operator in {"!==", "!="} else "false"
        ctx.emit("env_var", line=line_of(node), name=name, default=default, has_default=default is not None)


HTTP_CLIENT_MODULES = lazy_compile(r"^(axios|ky|got|superagent|node-fetch|ofetch|@/api|~/api|\.{1,2}/(\w+/)*(api|http|client|request)(\.[jt]s)?)$")


def _client_call(ctx: Any, owner: str, arguments: list[Any]) -> bool:
    """An HTTP client call that looks like a route registration: the last argument is the request
    body/options object (handlers are never object literals), or the owner is an imported client."""
    if len(arguments) >= 2 and arguments[-1].type == "object":
        return True
    module = ctx.imports.get(owner.split(".")[0], "").split("#")[0]
    return bool(module and HTTP_CLIENT_MODULES.match(module))


# A project's own HTTP helper that applies a timeout only when its caller passes one
# (`if (timeout) { ... abort after timeout }`): the calls that pass none have no timeout.
HTTP_HELPER_NAME = lazy_compile(r"(?i)^(fetch\w*|\w*fetch|request|\w*request|http\w*)$")
WRAPPER_DEFAULT_TIMEOUT = lazy_compile(r"\btimeout\s*(=|\?\?|\|\|)\s*[\w.]*\d|\btimeout\s*=\s*[A-Z_]{3,}|AbortSignal\.timeout\(")


def _http_wrappers(root: Any, ctx: TreeContext) -> None:
    """`export default async function fetch(url, init?: RequestInit & {timeout?: number})` that calls
    the platform fetch (or axios/got) and sets a timeout only when given one."""
    for function in descendants(root, "function_declaration"):
        parent = function.parent
        exported = parent is not None and parent.type == "export_statement"
        if not exported:
            continue
        params = text(field(function, "parameters"))
        body = text(field(function, "body"))
        if "timeout" not in params and "timeout" not in body[:400]:
            continue
        if not re.search(r"\b(fetch|axios(\.\w+)?|got|nodeFetch)\(", body) or WRAPPER_DEFAULT_TIMEOUT.search(params + body):
            continue
        name = "default" if "default" in text(parent).split("function", 1)[0] else text(field(function, "name"))
        ctx.emit("js_http_wrapper", line=line_of(function), name=name, module=re.sub(r"\.[cm]?[jt]sx?$", "", ctx.path))


def _http_wrapper_calls(ctx: TreeContext, calls: list[Any]) -> None:
    """Calls of functions imported from the project's own modules, with whether they pass a timeout
    or an abort signal: matched against js_http_wrapper in the project pass."""
    local = {name: spec for name, spec in ctx.imports.items() if HTTP_HELPER_NAME.match(name) and (
        spec.startswith((".", "@/", "~/", "src/")) or spec.startswith("@") and spec.count("/") >= 2)}
    if not local:
        return
    for call in calls:
        function = field(call, "function")
        if function is None or function.type != "identifier" or text(function) not in local:
            continue
        spec = local[text(function)]
        module, _, export = spec.partition("#")
        arguments = js.args(call)
        timed = any(re.search(r"\b(timeout|signal)\b", text(a)) or a.type == "spread_element" for a in arguments[1:])
        if not timed and any(a.type == "identifier" for a in arguments[1:]):
            timed = True  # options built elsewhere: not judged
        ctx.emit("js_http_wrapper_call", line=line_of(call), module=module, export=export or "default", timed=timed)
