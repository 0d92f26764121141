"""Python facts for the ProjectModel: frameworks, apps, routes (with auth and rate-limit status),
environment variables, clients and app-wide signals (middleware, metrics, shutdown, ...).

Everything is read from one module-level pass over the parsed tree; nothing is imported.
Cross-file links (routers included with dependencies, `Annotated[..., Depends(...)]` aliases
defined in a deps module) are emitted as facts and resolved in `prodready.project.build_model`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Language
from prodready.rules._pyutil import SCRIPT_DIRS, SCRIPT_FILES, in_test_file, is_script_like
from prodready.rules.base import FactCollector

FACTS = FactCollector("python-web")

FRAMEWORK_MODULES = {
    "fastapi": "fastapi",
    "flask": "flask",
    "starlette": "starlette",
    "django": "django",
    "aiohttp.web": "aiohttp",
    "sanic": "sanic",
    "litestar": "litestar",
    "tornado.web": "tornado",
    "quart": "flask",
}
# headers that close clickjacking and MIME sniffing (PR-CF-103); HSTS, COOP or a referrer policy set
# alone leave them open
PROTECTIVE_HEADERS = frozenset({"content-security-policy", "x-frame-options", "x-content-type-options"})
OTHER_RESPONSE_HEADERS = frozenset({"strict-transport-security", "cross-origin-opener-policy", "referrer-policy", "permissions-policy"})
# the service renders or serves pages itself (PR-CF-103 judges only those)
SERVES_PAGES = lazy_compile(r"\b(render_template(_string)?|TemplateResponse|Jinja2Templates|StaticFiles|send_from_directory|send_static_file)\(")
SECURITY_HEADER_MODULES_SET = frozenset({"flask_talisman", "talisman", "secure", "secweb", "starlette_csp", "django_csp"})
APP_FACTORIES = {
    "fastapi.FastAPI": "fastapi",
    "flask.Flask": "flask",
    "quart.Quart": "flask",
    "starlette.applications.Starlette": "starlette",
    "sanic.Sanic": "sanic",
    "litestar.Litestar": "litestar",
    "aiohttp.web.Application": "aiohttp",
}
ROUTER_FACTORIES = {
    "fastapi.APIRouter": "fastapi",
    "fastapi.routing.APIRouter": "fastapi",
    "flask.Blueprint": "flask",
    "sanic.Blueprint": "sanic",
}
HTTP_METHODS = {"get", "post", "put", "delete", "patch", "options", "head", "trace"}
PROBE_NAME = lazy_compile(r"(?i)^_*(ping|check|probe|health)|_(ping|check|probe|health)$|^_*(ping|check)_")
ROUTE_DECORATORS = HTTP_METHODS | {"route", "api_route", "websocket", "websocket_route"}
# Names of the base classes class-based views are built on (`BaseUserController`, `AdminRoutes`).
VIEW_BASE = lazy_compile(r"(?i)(controller|routes?|router|view|resource|endpoints?|api)$")


def _view_bases(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The base classes (short names) of the class a route method belongs to."""
    view = pyast.enclosing_class(func)
    return [b.split(".")[-1] for b in (pyast.dotted(base) for base in view.bases) if b] if view is not None else []
HTTP_METHOD_NAMES = {"get", "post", "put", "patch", "delete"}  # methods of a class-based view
# flask-allows / flask-security / flask-principal permission decorators
PERMISSION_DECORATORS = {"requires", "permission_required", "roles_required", "roles_accepted", "auth_required"}
TABLE_ROUTES = {"Route", "WebSocketRoute", "APIRoute", "APIWebSocketRoute"}

# Names that read as "this checks who the caller is".
AUTH_NAME = lazy_compile(
    r"(?i)(auth|current_?\w*user|superuser|staff_required|current_?active|get_?user|logged_?in|login_required|token|jwt|"
    r"verify|api_?key|permission|require_?(user|role|admin|scope|login)|admin|oauth|bearer|"
    r"credential|principal|security|protected|signed_?in|access_?control|roles?_required|"
    r"check_?user|is_?authenticated|session_?user|scopes?|(require|check|verify)_?\w*secret)"
)
NOT_AUTH = lazy_compile(r"(?i)(get_?db|session_?dep|settings|limiter|rate_?limit|pagination|cache)")
# A dependency that both limits and authenticates (`rate_limited_api_key`) still authenticates.
STRONG_AUTH = lazy_compile(r"(?i)(api_?key|auth|current_?\w*user|jwt|bearer|principal|require_?(user|role|admin|login))")
AUTH_CLASSES = {
    "fastapi.security.HTTPBearer", "fastapi.security.OAuth2PasswordBearer",
    "fastapi.security.APIKeyHeader", "fastapi.security.APIKeyQuery", "fastapi.security.APIKeyCookie",
    "fastapi.security.HTTPBasic", "fastapi.security.OAuth2AuthorizationCodeBearer",
}
LIMIT_NAME = lazy_compile(r"(?i)(rate_?limit|limiter|throttl|RateLimiter)")
CLIENT_KINDS = {
    "requests.Session": "requests.Session",
    "requests.session": "requests.Session",
    "httpx.Client": "httpx.Client",
    "httpx.AsyncClient": "httpx.AsyncClient",
    "aiohttp.ClientSession": "aiohttp.ClientSession",
    "redis.Redis": "redis",
    "redis.StrictRedis": "redis",
    "redis.Redis.from_url": "redis",
    "redis.from_url": "redis",
    "redis.asyncio.Redis": "redis",
    "redis.asyncio.from_url": "redis",
    "redis.asyncio.Redis.from_url": "redis",
    "aioredis.from_url": "redis",
    "valkey.Valkey": "redis",
    "valkey.Valkey.from_url": "redis",
    "valkey.from_url": "redis",
    "sqlalchemy.create_engine": "sqlalchemy.engine",
    "sqlalchemy.ext.asyncio.create_async_engine": "sqlalchemy.engine",
    "pymongo.MongoClient": "mongo",
    "motor.motor_asyncio.AsyncIOMotorClient": "mongo",
    "psycopg2.connect": "postgres",
    "psycopg.connect": "postgres",
    "asyncpg.connect": "postgres",
    "asyncpg.create_pool": "postgres",
    "openai.OpenAI": "llm",
    "openai.AsyncOpenAI": "llm",
    "openai.AzureOpenAI": "llm",
    "anthropic.Anthropic": "llm",
    "anthropic.AsyncAnthropic": "llm",
    "boto3.client": "aws",
    "celery.Celery": "celery",
    "kafka.KafkaProducer": "kafka",
    "pika.BlockingConnection": "rabbitmq",
}
# Database set-ups that are not a client object of their own (the ORM owns the connections).
DB_SETUP_CALLS = frozenset({
    "tortoise.contrib.fastapi.register_tortoise", "tortoise.Tortoise.init", "flask_sqlalchemy.SQLAlchemy",
    "peewee.PostgresqlDatabase", "peewee.MySQLDatabase", "databases.Database", "motor.motor_asyncio.AsyncIOMotorClient",
    "pymongo.MongoClient", "beanie.init_beanie", "odmantic.AIOEngine",
})
CLIENT_SIGNAL = {"redis": "redis", "sqlalchemy.engine": "db", "mongo": "db", "postgres": "db", "llm": "llm-client"}
METRICS_MODULES = (
    "prometheus_client", "prometheus_fastapi_instrumentator", "starlette_exporter",
    "opentelemetry.metrics", "opentelemetry.sdk.metrics", "statsd", "datadog", "aioprometheus",
    "prometheus_flask_exporter", "django_prometheus",
)
TRACING_MODULES = (
    "opentelemetry", "ddtrace", "jaeger_client", "opentracing", "elasticapm", "newrelic",
)
REQUEST_ID_MODULES = ("asgi_correlation_id", "starlette_context", "flask_request_id", "correlation_id")
# Calls that configure logging (level, format, handlers) for the process.
LOGGING_CONFIG_CALLS = frozenset({
    "logging.basicConfig", "logging.config.dictConfig", "logging.config.fileConfig", "structlog.configure",
    "loguru.logger.add", "loguru.logger.configure", "logging.StreamHandler", "logging.handlers.RotatingFileHandler",
    "logging.handlers.TimedRotatingFileHandler", "logging.FileHandler", "logging.handlers.SysLogHandler",
    "logging.handlers.QueueHandler", "coloredlogs.install", "logzero.setup_logger",
})
STRUCTURED_LOGGING_MODULES = ("pythonjsonlogger", "structlog", "json_log_formatter", "loguru", "ecs_logging")
ENV_GETTERS = {
    "os.getenv": 1,
    "os.environ.get": 1,
    "os.environ.setdefault": 1,
    "environ.get": 1,
    "decouple.config": 1,
}
SECRETISH = lazy_compile(r"(?i)(secret|password|passwd|token|api_?key|private|credential)")


def module_path(path: str) -> str:
    parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def full_import_map(ctx: PyContext) -> dict[str, str]:
    """The file's imports, plus relative imports resolved against the file's package."""
    imports = dict(ctx.imports)
    path = ctx.path
    package = module_path(path).split(".")
    if not path.endswith("__init__.py"):
        package = package[:-1]
    for node in ctx.nodes_of(ast.ImportFrom):
        if node.level > 0:
            base = package[: len(package) - (node.level - 1)] if node.level - 1 <= len(package) else []
            prefix = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                imports[alias.asname or alias.name] = f"{prefix}.{alias.name}" if prefix else alias.name
    # Absolute imports of the project's own modules may be rooted below a src/ or app dir.
    return imports


@FACTS.on_python(ast.Module, skip_file=in_test_file)
def collect(tree: ast.Module, ctx: PyContext) -> None:
    if ctx.is_test_file:
        return
    imports = full_import_map(ctx)
    imported = set(imports.values())
    collector = _Collector(ctx, imports)
    collector.frameworks(imported)
    collector.signals_from_imports(imported)
    collector.collect_aliases(tree)
    collector.walk(tree)
    if "timeout" in ctx.text:
        _http_wrappers(tree, ctx)
    _http_wrapper_calls(ctx)


# HTTP libraries a project's own helper may call (PR-TO-001 follows helpers with `timeout=None`)
HTTP_LIBRARY_CALL = lazy_compile(r"\b(pycurl\.|requests\.|httpx\.|urlopen\(|urllib3\.|aiohttp\.|\.setopt\()")
HTTP_HELPER_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "request", "fetch", "send", "call"})
HTTP_HELPER_NAME = lazy_compile(r"^(fetch|request|http|call_api|api)_\w+$|^\w+_(request|remote|json|http|api)$")


def _http_wrappers(tree: ast.Module, ctx: PyContext) -> None:
    """`def request(method, url, ..., timeout=None)` at module level that calls an HTTP library (or a
    helper of this module, passing `timeout=timeout`) and sets a timeout only when given one."""
    module = module_path(ctx.path)
    helpers: list[str] = []
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        arguments = function.args.args + function.args.kwonlyargs
        defaults = [None] * (len(function.args.args) - len(function.args.defaults)) + list(function.args.defaults) + list(function.args.kw_defaults)
        if not any(a.arg == "timeout" for a in arguments):
            continue
        timeout = next(d for a, d in zip(arguments, defaults, strict=False) if a.arg == "timeout")
        if timeout is None or not pyast.is_none(timeout):
            continue  # a required timeout, or one set by default: only `timeout=None` leaves it to the caller
        body = ast.unparse(function)
        if HTTP_LIBRARY_CALL.search(body) or any(re.search(rf"\b{h}\(.*timeout=timeout", body, re.S) for h in helpers):
            helpers.append(function.name)
            ctx.emit("py_http_wrapper", line=function.lineno, function=f"{module}.{function.name}")


def _http_wrapper_calls(ctx: PyContext) -> None:
    """Calls of functions of the project's own modules named like HTTP calls, with whether they pass
    a timeout: matched against py_http_wrapper in the project pass."""
    imports: dict[str, str] | None = None
    for call in ctx.nodes_of(ast.Call):
        # `curl.post(...)` with `from hc.lib import curl`, `utils.fetch_json(...)` with `from ..lib import
        # utils`, `fetch_remote(...)` imported by name: a function of a module of a package (not requests)
        if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
            if not (call.func.attr in HTTP_HELPER_VERBS or HTTP_HELPER_NAME.match(call.func.attr)):
                continue
            local, attribute = call.func.value.id, call.func.attr
        elif isinstance(call.func, ast.Name) and HTTP_HELPER_NAME.match(call.func.id):
            local, attribute = call.func.id, ""
        else:
            continue
        if imports is None:
            imports = full_import_map(ctx)  # relative imports too (`from ..lib import utils`)
        target = imports.get(local, "")
        if "." not in target:
            continue
        name = f"{target}.{attribute}" if attribute else target
        timed = any(k.arg in {"timeout", None} for k in call.keywords)
        ctx.emit("py_http_wrapper_call", line=call.lineno, function=name, timed=timed)


class _Collector:
    def __init__(self, ctx: PyContext, imports: dict[str, str]) -> None:
        self.ctx = ctx
        self.imports = imports
        self.module = module_path(ctx.path)
        self.apps: dict[str, str] = {}  # var -> framework (applications)
        self.routers: dict[str, str] = {}  # var -> framework (routers/blueprints)
        self.router_auth: dict[str, str] = {}  # var -> how (router-level dependencies / before_request)
        self.router_limit: dict[str, str] = {}
        self.router_prefix: dict[str, str] = {}  # APIRouter(prefix=...) / Blueprint(url_prefix=...)
        self.aliases: dict[str, str] = {}  # Annotated alias -> dependency callable
        self._view_class_cache: dict[str, ast.ClassDef] | None = None

    def q(self, node: ast.AST) -> str:
        return pyast.qualified(node, self.imports) or ""

    # -- imports ---------------------------------------------------------------------------
    def frameworks(self, imported: set[str]) -> None:
        seen: set[str] = set()
        for value in imported:
            for module, name in FRAMEWORK_MODULES.items():
                if (value == module or value.startswith(module + ".")) and name not in seen:
                    seen.add(name)
                    self.ctx.emit("framework", name=name)
            if (value == "fastapi.WebSocket" or value.startswith("websockets")) and "ws" not in seen:
                seen.add("ws")
                self.ctx.emit("signal", name="websocket", detail=value)

    def signals_from_imports(self, imported: set[str]) -> None:
        def uses(prefixes: tuple[str, ...]) -> str | None:
            for value in sorted(imported):
                for prefix in prefixes:
                    if value == prefix or value.startswith(prefix + "."):
                        return value
            return None

        for name, prefixes in (
            ("metrics", METRICS_MODULES),
            ("tracing", TRACING_MODULES),
            ("request-id", REQUEST_ID_MODULES),
            ("structured-logging", STRUCTURED_LOGGING_MODULES),
        ):
            found = uses(prefixes)
            if found:
                self.ctx.emit("signal", name=name, detail=f"imports {found}")
        limiter = uses(("slowapi", "flask_limiter", "fastapi_limiter", "limits", "ratelimit", "django_ratelimit", "aiolimiter"))
        if limiter:
            self.ctx.emit("signal", name="rate-limit", detail=f"imports {limiter}")

    # -- the pass --------------------------------------------------------------------------
    def walk(self, tree: ast.Module) -> None:
        ctx = self.ctx
        # Apps and routers first: decorators refer to them.
        for node in ctx.nodes_of(ast.Assign, ast.AnnAssign):
            if isinstance(node.value, ast.Call):
                self._assignment(node)
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and any(
                isinstance(t, ast.Name) and t.id in {"LOGGING", "LOGGING_CONFIG", "LOG_CONFIG"} for t in node.targets
            ):
                ctx.emit("signal", line=node.lineno, name="logging-config", detail="LOGGING = {...}")
        for node in ctx.nodes_of(ast.FunctionDef, ast.AsyncFunctionDef):
            self._function(node)
        for node in ctx.nodes_of(ast.Call):
            self._call(node)
        self._django_urls(tree)
        self._route_tables()
        for node in ctx.nodes_of(ast.ClassDef):
            self._settings_class(node)
            self._view_base_class(node)
        for node in ctx.nodes_of(ast.Subscript):
            self._environ_subscript(node)
        for node in ctx.nodes_of(ast.Constant):
            if not isinstance(node.value, str) or len(node.value) > 40:
                continue
            lowered = node.value.lower()
            if lowered in {"x-request-id", "x-correlation-id", "x-trace-id"}:
                ctx.emit("signal", line=node.lineno, name="request-id", detail=node.value)
            elif lowered in PROTECTIVE_HEADERS:
                ctx.emit("signal", line=node.lineno, name="security-headers", detail=node.value)
            elif lowered in OTHER_RESPONSE_HEADERS:
                ctx.emit("signal", line=node.lineno, name="response-headers-set", detail=node.value)
        if SERVES_PAGES.search(ctx.text):
            ctx.emit("signal", name="serves-pages", detail=SERVES_PAGES.search(ctx.text).group(0))  # type: ignore[union-attr]
        roots = {value.split(".", 1)[0] for value in ctx.imports.values()}
        for module in SECURITY_HEADER_MODULES_SET & roots:
            ctx.emit("signal", name="security-headers", detail=f"imports {module}")
        if "RATELIMIT_STORAGE_UR" in ctx.text:
            # Flask-Limiter's storage set in the app's configuration (a comment sets nothing)
            for name_node in ctx.nodes_of(ast.Name, ast.Constant):
                value = name_node.id if isinstance(name_node, ast.Name) else name_node.value
                if value in {"RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URL"}:
                    ctx.emit("signal", line=name_node.lineno, name="limiter-storage-configured", detail=str(value))
                    break

    def _targets(self, node: ast.Assign | ast.AnnAssign) -> list[str]:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = []
        for target in targets:
            name = pyast.dotted(target)
            if name:
                names.append(name)
        return names

    def _assignment(self, node: ast.Assign | ast.AnnAssign) -> None:
        call = node.value
        assert isinstance(call, ast.Call)
        name = self.q(call.func)
        targets = self._targets(node)
        if not targets:
            return
        if name in APP_FACTORIES:
            framework = APP_FACTORIES[name]
            for target in targets:
                self.apps[target] = framework
            self.ctx.emit("app", line=node.lineno, framework=framework, name=targets[0])
            how = self._dependencies_auth(call)
            if how:
                self.ctx.emit("signal", line=node.lineno, name="global-auth", detail=f"{targets[0]}: {how}")
            self._app_kwargs(call, targets[0])
        elif name in ROUTER_FACTORIES:
            prefix_kw = pyast.keyword(call, "prefix") or pyast.keyword(call, "url_prefix")
            prefix = (pyast.const_str(prefix_kw.value) or "") if prefix_kw is not None else ""
            for target in targets:
                self.routers[target] = ROUTER_FACTORIES[name]
                if prefix.startswith("/"):
                    self.router_prefix[target] = prefix.rstrip("/")
                how = self._dependencies_auth(call)
                if how:
                    self.router_auth[target] = f"router dependencies: {how}"
                limit = self._dependencies_limit(call)
                if limit:
                    self.router_limit[target] = f"router dependencies: {limit}"
        elif name.endswith("Limiter") and ("slowapi" in name or "flask_limiter" in name or "limits" in name):
            self.ctx.emit("signal", line=node.lineno, name="rate-limit", detail=f"{name}()")
            if pyast.keyword(call, "default_limits") or pyast.keyword(call, "application_limits"):
                self.ctx.emit("signal", line=node.lineno, name="global-rate-limit", detail=f"{name}(default_limits=...)")
            storage = pyast.keyword(call, "storage_uri")
            self.ctx.emit(
                "signal", line=storage.value.lineno if storage else node.lineno, name="limiter-storage",
                detail=(pyast.const_str(storage.value) or "configured") if storage else "memory:// (default)",
            )

    def _app_kwargs(self, call: ast.Call, app: str) -> None:
        lifespan = pyast.keyword(call, "lifespan")
        if lifespan is not None and not pyast.is_none(lifespan.value):
            self.ctx.emit("signal", line=call.lineno, name="graceful-shutdown", detail=f"{app}: lifespan=")
        for key in ("on_shutdown",):
            if pyast.keyword(call, key):
                self.ctx.emit("signal", line=call.lineno, name="graceful-shutdown", detail=f"{app}: {key}=")

    # -- dependency lists and decorators ----------------------------------------------------
    def _dependency_names(self, node: ast.AST | None) -> list[str]:
        """Callables inside Depends(...)/Security(...) anywhere under node."""
        names: list[str] = []
        if node is None:
            return names
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call):
                callee = self.q(sub.func)
                if callee.split(".")[-1] in {"Depends", "Security"} and sub.args:
                    target = sub.args[0]
                    if isinstance(target, ast.Call):
                        names.append(self.q(target.func) or "?")
                    else:
                        names.append(self.q(target) or "?")
                elif callee in AUTH_CLASSES:
                    names.append(callee)
        return names

    def _is_auth_name(self, name: str) -> bool:
        short = name.split(".")[-1]
        if name in AUTH_CLASSES:
            return True
        return bool(AUTH_NAME.search(short)) and (not NOT_AUTH.search(short) or bool(STRONG_AUTH.search(short)))

    def _dependencies_auth(self, call: ast.Call) -> str:
        deps = pyast.keyword(call, "dependencies")
        names = [n for n in self._dependency_names(deps.value if deps else None) if self._is_auth_name(n)]
        return f"Depends({names[0].split('.')[-1]})" if names else ""

    def _dependencies_limit(self, call: ast.Call) -> str:
        deps = pyast.keyword(call, "dependencies")
        names = [n for n in self._dependency_names(deps.value if deps else None) if LIMIT_NAME.search(n)]
        return f"Depends({names[0].split('.')[-1]})" if names else ""

    def _class_auth(self, node: ast.ClassDef) -> str:
        """The authentication a class-based view declares for all its routes: a class attribute
        `user: User = Depends(get_current_user)` (fastapi-utils `@cbv`, `@controller(router)`)."""
        for stmt in node.body:
            value = stmt.value if isinstance(stmt, ast.AnnAssign | ast.Assign) else None
            if value is None:
                continue
            for name in self._dependency_names(value):
                if self._is_auth_name(name):
                    return f"Depends({name.split('.')[-1]})"
        return ""

    def _view_base_class(self, node: ast.ClassDef) -> None:
        """A class a class-based view may inherit its authentication from (the base lives in another
        module: `class AdminRoutes(BaseAdminController)`)."""
        bases = [b for b in (pyast.dotted(base) for base in node.bases) if b]
        declares = any(
            isinstance(stmt, ast.AnnAssign | ast.Assign) and stmt.value is not None and self._dependency_names(stmt.value)
            for stmt in node.body
        )
        if not declares and not any(VIEW_BASE.search(b.split(".")[-1]) for b in bases):
            return
        auth = self._class_auth(node)
        self.ctx.emit("view_class", line=node.lineno, name=node.name, bases=[b.split(".")[-1] for b in bases],
                      auth=bool(auth), via=auth)

    # -- functions: routes, middleware, hooks ------------------------------------------------
    def _function(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if func.args.defaults or func.args.kw_defaults or any(a.annotation is not None for a in func.args.args):
            self._dependency_function(func)
        for decorator in func.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call else decorator
            if not isinstance(target, ast.Attribute):
                continue
            owner = pyast.dotted(target.value) or ""
            attr = target.attr
            if attr == "middleware" and call is not None:
                self._http_middleware(func, owner)
            elif attr in {"before_request", "before_app_request"}:
                self._before_request(func, owner)
            elif attr == "on_event" and call is not None and call.args:
                if pyast.const_str(call.args[0]) == "shutdown":
                    self.ctx.emit("signal", line=func.lineno, name="graceful-shutdown", detail=f"{owner}.on_event('shutdown')")
            elif attr in ROUTE_DECORATORS and call is not None:
                self._route(func, call, owner, attr)
        if func.name == "lifespan" or any(
            self.q(d).endswith("asynccontextmanager") for d in func.decorator_list
        ) and _mentions_yield(func):
            if func.name.endswith("lifespan"):
                self.ctx.emit("signal", line=func.lineno, name="graceful-shutdown", detail=f"{func.name}()")

    def _route(
        self, func: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, owner: str, attr: str
    ) -> None:
        path_node = call.args[0] if call.args else (pyast.keyword(call, "path") or pyast.keyword(call, "rule"))
        if isinstance(path_node, ast.keyword):
            path_node = path_node.value
        path = pyast.const_str(path_node)
        if path is None:
            if owner not in self.apps and owner not in self.routers:
                return
            path = "?"
        elif not (path.startswith("/") or path == "" or owner in self.apps or owner in self.routers):
            return  # e.g. requests.get("https://...") used as a decorator? not a route
        if owner in self.router_prefix and path != "?":
            path = (self.router_prefix[owner] + path) or "/"
        framework = self.apps.get(owner) or self.routers.get(owner) or self._guess_framework()
        if attr in {"websocket", "websocket_route"}:
            methods = ["WS"]
            kind = "websocket"
        elif attr in {"route", "api_route"}:
            methods_kw = pyast.keyword(call, "methods")
            methods = []
            if methods_kw and isinstance(methods_kw.value, ast.List | ast.Tuple | ast.Set):
                methods = [str(pyast.const_str(e) or "").upper() for e in methods_kw.value.elts]
            methods = [m for m in methods if m] or ["GET"]
            kind = "http"
        else:
            methods = [attr.upper()]
            kind = "http"
        auth_via, limited_via = self._route_protection(func, call, owner)
        line = call.lineno
        for method in methods:
            self.ctx.emit(
                "route",
                line=line,
                method=method,
                path=path,
                handler=func.name,
                handler_line=func.lineno,
                framework=framework,
                kind=kind,
                auth=bool(auth_via),
                auth_via=auth_via,
                rate_limited=bool(limited_via),
                limit_via=limited_via,
                router=f"{self.module}.{owner}",
                param_annotations=self._param_annotations(func),
                param_dependencies=self._param_dependencies(func),
                view_bases=_view_bases(func),
                is_async=isinstance(func, ast.AsyncFunctionDef),
                expensive=self._expensive(func),
                calls=self._handler_calls(func),
                todo=self._has_todo(func),
            )

    def _expensive(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
        """Why this handler is costly to call: processes, LLMs, uploads, file system, exports."""
        for arg in func.args.args:
            annotation = self.q(arg.annotation) if arg.annotation is not None else ""
            if annotation.split(".")[-1] in {"UploadFile", "FileStorage"} or "UploadFile" in ast.unparse(arg.annotation or ast.Constant(value="")):
                return "accepts uploads"
        for node in pyast.walk_shallow(func):
            if not isinstance(node, ast.Call):
                continue
            name = self.q(node.func) or pyast.dotted(node.func) or ""
            if name.startswith(("subprocess.", "asyncio.create_subprocess", "multiprocessing.")) or name in {"os.system", "os.popen"}:
                return f"spawns processes ({name})"
            if name.endswith(("chat.completions.create", "completions.create", "messages.create", "embeddings.create", ".invoke", ".ainvoke", ".generate", ".agenerate")):
                return f"calls an LLM ({name.split('.')[-1]})"
            if name in {"open", "shutil.rmtree", "os.listdir", "os.walk", "os.scandir"} or name.endswith(("FileResponse", "send_file")):
                return "touches the file system"
            if name.endswith(("apply_async", ".delay", "enqueue", "send_task")):
                return "starts background jobs"
        return ""

    def _local_functions(self) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
        found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] | None = self.ctx.memo.get("web-local-functions")
        if found is None:
            found = {
                stmt.name: stmt for stmt in self.ctx.tree.body if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef)
            }
            self.ctx.memo["web-local-functions"] = found
        return found

    def _handler_calls(self, func: ast.FunctionDef | ast.AsyncFunctionDef, depth: int = 0) -> list[str]:
        names = self._own_calls(func)
        if depth < 2:
            # `await _readiness()` where _readiness() in this module runs the checks: its calls count
            local = self._local_functions()
            for name in list(names):
                helper = local.get(name)
                if helper is not None and helper is not func:
                    names.extend(n for n in self._handler_calls(helper, depth + 1) if n not in names)
        return names[:40]

    def _own_calls(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
        names: list[str] = []
        body = [n for stmt in func.body for n in (stmt, *pyast.walk_shallow(stmt))]  # not the decorators
        for node in body:
            if isinstance(node, ast.Call):
                # qualified through imports: `ping()` from app.db reads as app.db.ping
                name = self.q(node.func) or pyast.dotted(node.func)
                if name and name not in names:
                    names.append(name)
            elif isinstance(node, ast.Attribute) and PROBE_NAME.search(node.attr):
                # `for probe in (stores.ping_db, stores.ping_redis): await probe()`: called by reference
                name = pyast.dotted(node)
                if name and name not in names:
                    names.append(name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and PROBE_NAME.search(node.id):
                # `_run_check("postgres", _check_postgres)`: a local probe handed to a runner
                if node.id not in names:
                    names.append(node.id)
        return names[:40]

    def _has_todo(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        end = getattr(func, "end_lineno", func.lineno) or func.lineno
        return any(re.search(r"#\s*(TODO|FIXME|XXX)", line) for line in self.ctx.lines[func.lineno - 1 : end])

    def _guess_framework(self) -> str:
        for value in self.imports.values():
            for module, name in FRAMEWORK_MODULES.items():
                if value.startswith(module):
                    return name
        return "python"

    def _param_dependencies(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
        """Qualified names of the functions the parameters depend on (`Depends(enforce_rate_limit)`)."""
        defaults: list[ast.AST] = [d for d in func.args.defaults + func.args.kw_defaults if d is not None]
        annotations: list[ast.AST] = [a.annotation for a in func.args.args + func.args.kwonlyargs if a.annotation]
        holder = ast.Tuple(elts=[*defaults, *annotations], ctx=ast.Load())  # type: ignore[list-item]
        return [n for n in self._dependency_names(holder) if n != "?"][:12]

    def _dependency_function(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """A function whose own parameters depend on authentication (`enforce_rate_limit(principal =
        Depends(authenticate))`): a route that depends on it is authenticated through it."""
        if pyast.enclosing_function(func) is not None or pyast.enclosing_class(func) is not None:
            return
        names = self._param_dependencies(func)
        aliased = [self.aliases[a.split(".")[-1]] for a in self._param_annotations(func) if a.split(".")[-1] in self.aliases]
        auth = next((n for n in [*names, *aliased] if self._is_auth_name(n)), "")
        limit = bool(LIMIT_NAME.search(func.name))
        if auth or limit:
            self.ctx.emit(
                "dependency_function", line=func.lineno, function=f"{self.module}.{func.name}",
                auth=bool(auth), via=auth.split(".")[-1], limit=limit,
            )

    def _param_annotations(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
        names = []
        for arg in func.args.args + func.args.kwonlyargs:
            if arg.annotation is not None:
                name = self.q(arg.annotation)
                if name:
                    names.append(name)
        return names

    def _route_protection(
        self, func: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, owner: str
    ) -> tuple[str, str]:
        auth = ""
        limit = ""
        # 1. route decorator dependencies=[...]
        auth = self._dependencies_auth(call)
        limit = self._dependencies_limit(call)
        # 2. parameters: Depends/Security defaults and Annotated[...] metadata
        defaults: list[ast.AST] = [d for d in func.args.defaults + func.args.kw_defaults if d is not None]
        annotations: list[ast.AST] = [a.annotation for a in func.args.args + func.args.kwonlyargs if a.annotation]
        holder = ast.Tuple(elts=[*defaults, *annotations], ctx=ast.Load())  # type: ignore[list-item]
        for name in self._dependency_names(holder):
            if not auth and self._is_auth_name(name):
                auth = f"Depends({name.split('.')[-1]})"
            if not limit and LIMIT_NAME.search(name):
                limit = f"Depends({name.split('.')[-1]})"
        for arg in func.args.args + func.args.kwonlyargs:
            if not auth and arg.annotation is not None:
                ann = self.q(arg.annotation)
                if ann in AUTH_CLASSES or ann.endswith(("HTTPAuthorizationCredentials", "HTTPBasicCredentials")):
                    auth = f"{arg.arg}: {ann.split('.')[-1]}"
                elif ann.split(".")[-1] in self.aliases and self._is_auth_name(self.aliases[ann.split(".")[-1]]):
                    auth = f"{arg.arg}: {ann.split('.')[-1]}"
            if not limit and arg.annotation is not None:
                alias = self.q(arg.annotation).split(".")[-1]
                if alias in self.aliases and LIMIT_NAME.search(self.aliases[alias]):
                    limit = f"{arg.arg}: {alias}"
        # 3. other decorators: @login_required, @jwt_required(), @limiter.limit(...)
        for decorator in func.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if target is call.func:
                continue
            name = self.q(target) or pyast.dotted(target) or ""
            short = name.split(".")[-1]
            if LIMIT_NAME.search(name) or short in {"limit", "shared_limit"}:
                if short != "exempt":
                    limit = limit or f"@{name}"
                continue
            if short in ROUTE_DECORATORS:
                continue
            if not auth and self._is_auth_name(name):
                auth = f"@{name}"
        # 4. a class-based view's own class attributes (`user = Depends(get_current_user)`)
        view = pyast.enclosing_class(func)
        if not auth and view is not None:
            auth = self._class_auth(view)
        # 5. router-level
        if not auth and owner in self.router_auth:
            auth = self.router_auth[owner]
        if not limit and owner in self.router_limit:
            limit = self.router_limit[owner]
        # 6. in-handler checks: verify_token(...), request.headers["Authorization"]
        if not auth:
            auth = _in_handler_auth(func, self)
        if not limit:
            limit = _in_handler_limit(func)
        return auth, limit

    def _http_middleware(self, func: ast.FunctionDef | ast.AsyncFunctionDef, owner: str) -> None:
        if _body_checks_auth(func):
            self.ctx.emit("signal", line=func.lineno, name="global-auth", detail=f"@{owner}.middleware {func.name}()")
        if _body_mentions(func, ("content-length", "content_length")):
            self.ctx.emit("signal", line=func.lineno, name="body-limit", detail=f"@{owner}.middleware {func.name}()")
        if _body_mentions(func, ("x-request-id", "request_id", "correlation")):
            self.ctx.emit("signal", line=func.lineno, name="request-id", detail=f"@{owner}.middleware {func.name}()")

    def _before_request(self, func: ast.FunctionDef | ast.AsyncFunctionDef, owner: str) -> None:
        if not _body_checks_auth(func):
            return
        if owner in self.routers:
            self.router_auth[owner] = f"@{owner}.before_request {func.name}()"
        else:
            self.ctx.emit("signal", line=func.lineno, name="global-auth", detail=f"@{owner}.before_request {func.name}()")

    # -- calls: middleware registration, include_router, env vars, clients -------------------
    def _call(self, call: ast.Call) -> None:
        name = self.q(call.func)
        short = name.split(".")[-1]
        ctx = self.ctx
        if name in LOGGING_CONFIG_CALLS or (short == "run" and pyast.keyword(call, "log_config") is not None):
            # basicConfig in a pre-start script or alembic/env.py configures that script, not the service
            if not is_script_like(ctx) and "alembic/" not in ctx.path and "migrations/" not in ctx.path:
                ctx.emit("signal", line=call.lineno, name="logging-config", detail=f"{name}()")
        if short == "add_middleware" and call.args:
            middleware = self.q(call.args[0])
            mshort = middleware.split(".")[-1]
            if "CORSMiddleware" in mshort:
                ctx.emit("signal", line=call.lineno, name="cors", detail=middleware)
            elif mshort in {"SlowAPIMiddleware", "SlowAPIASGIMiddleware"} or LIMIT_NAME.search(mshort):
                ctx.emit("signal", line=call.lineno, name="global-rate-limit", detail=mshort)
                ctx.emit("signal", line=call.lineno, name="rate-limit", detail=mshort)
            elif "Prometheus" in mshort or "Metrics" in mshort:
                ctx.emit("signal", line=call.lineno, name="metrics", detail=mshort)
            elif "Correlation" in mshort or "RequestID" in mshort or "RequestId" in mshort:
                ctx.emit("signal", line=call.lineno, name="request-id", detail=mshort)
            elif "ContentSize" in mshort or "BodySize" in mshort or "BodyLimit" in mshort:
                ctx.emit("signal", line=call.lineno, name="body-limit", detail=mshort)
            elif self._is_auth_name(mshort) or "Authentication" in mshort:
                ctx.emit("signal", line=call.lineno, name="global-auth", detail=mshort)
        elif short == "include_router" and call.args:
            included = self.q(call.args[0])
            if included and "." not in included:
                included = f"{self.module}.{included}"
            parent = pyast.dotted(call.func.value) if isinstance(call.func, ast.Attribute) else ""
            ctx.emit(
                "router_include",
                line=call.lineno,
                router=included,
                parent=f"{self.module}.{parent}",
                prefix=pyast.const_str(pyast.keyword(call, "prefix").value) if pyast.keyword(call, "prefix") else "",  # type: ignore[union-attr]
                auth_via=self._dependencies_auth(call),
                limit_via=self._dependencies_limit(call),
            )
        elif short == "register_blueprint" and call.args:
            url_prefix = pyast.keyword(call, "url_prefix")
            ctx.emit(
                "router_include", line=call.lineno, router=self.q(call.args[0]),
                parent=f"{self.module}.{pyast.dotted(call.func.value) if isinstance(call.func, ast.Attribute) else ''}",
                prefix=(pyast.const_str(url_prefix.value) or "").rstrip("/") if url_prefix is not None else "",
                auth_via="", limit_via="",
            )
        elif name in {"flask_cors.CORS", "flask_cors.cross_origin"}:
            ctx.emit("signal", line=call.lineno, name="cors", detail=name)
        elif name == "asyncio.run" and _service_module(ctx) and _entry_point(call) and LONG_RUNNING.search(ctx.text):
            # a daemon or worker process of its own (no ASGI server to handle SIGTERM for it)
            forever = next((n for n in ctx.nodes_of(ast.Await) if FOREVER.search(ast.unparse(n.value))), None)
            ctx.emit("signal", line=(forever or call).lineno, name="asyncio-daemon", detail=ast.unparse(call)[:60])
        elif name in {"signal.signal", "loop.add_signal_handler"} or short == "add_signal_handler":
            if any("SIGTERM" in (pyast.dotted(a) or "") for a in call.args):
                ctx.emit("signal", line=call.lineno, name="graceful-shutdown", detail=f"{name}(SIGTERM)")
        elif name in {"uvicorn.run", "uvicorn.Server"} or short == "run" and name.startswith("uvicorn"):
            workers = pyast.keyword(call, "workers")
            if workers is not None and not (isinstance(workers.value, ast.Constant) and workers.value.value in (1, None)):
                ctx.emit("signal", line=call.lineno, name="multi-worker", detail="uvicorn.run(workers=...)")
        elif short in {"basicConfig", "setLevel"} and name.startswith("logging") or short == "setLevel":
            if any(_reads_env(a) for a in [*call.args, *(k.value for k in call.keywords)]):
                ctx.emit("signal", line=call.lineno, name="log-level-configurable", detail=f"{name}(...env...)")
        if name in ENV_GETTERS or name.endswith(("environ.get", "environ.setdefault")):
            self._env_call(call)
        elif short in {"str", "int", "bool", "float", "list", "json", "url"} and (
            pyast.dotted(call.func) or ""
        ).startswith("env."):
            self._env_call(call)
        if name in DB_SETUP_CALLS:
            ctx.emit("signal", line=call.lineno, name="db", detail=name)
        if short == "declarative_base" and name.startswith("sqlalchemy"):
            ctx.emit("signal", line=call.lineno, name="orm-models", detail="declarative_base()")
        kind = CLIENT_KINDS.get(name)
        if kind is None and short in {"from_url"} and "redis" in name.lower():
            kind = "redis"
        if kind is not None:
            ctx.emit("client", line=call.lineno, kind=kind, call=name)
            if kind in CLIENT_SIGNAL:
                ctx.emit("signal", line=call.lineno, name=CLIENT_SIGNAL[kind], detail=name)
        if name.startswith(("subprocess.", "asyncio.create_subprocess")) and pyast.enclosing_function(call):
            ctx.emit("signal", line=call.lineno, name="spawns-processes", detail=name)

    def _django_urls(self, tree: ast.Module) -> None:
        """`urlpatterns = [path("orders/", views.orders), ...]`: routes (auth is decided in views)."""
        if not any(v.startswith("django.urls") or v.startswith("django.conf.urls") for v in self.imports.values()):
            return
        for call in self.ctx.nodes_of(ast.Call):
            name = self.q(call.func)
            if name not in {"django.urls.path", "django.urls.re_path", "django.conf.urls.url"} or len(call.args) < 2:
                continue
            route = pyast.const_str(call.args[0])
            view = call.args[1]
            if route is None or (isinstance(view, ast.Call) and self.q(view.func) in {"django.urls.include", "django.conf.urls.include"}):
                continue
            inner = view.args[0] if isinstance(view, ast.Call) and view.args else view
            view_name = pyast.dotted(inner.func if isinstance(inner, ast.Call) else inner) or "view"
            wrapped_auth = isinstance(view, ast.Call) and self._is_auth_name(self.q(view.func) or "")
            self.ctx.emit(
                "route", line=call.lineno, method="ANY", path="/" + route.lstrip("^/").rstrip("$"),
                handler=view_name, framework="django", kind="http", auth=wrapped_auth,
                auth_via=f"{pyast.dotted(view.func) if isinstance(view, ast.Call) else ''}" if wrapped_auth else "",
                rate_limited=False, limit_via="",
            )

    def _route_tables(self) -> None:
        """Starlette/FastAPI `routes=[Route("/x", endpoint, methods=[...]), Mount("/api", routes=[...])]`
        and Flask `app.add_url_rule("/x", view_func=f, methods=[...])`."""
        functions = {f.name: f for f in self.ctx.nodes_of(ast.FunctionDef, ast.AsyncFunctionDef)}
        for call in self.ctx.nodes_of(ast.Call):
            # Flask-Limiter applied to a whole blueprint: `limiter.limit("5/minute")(auth_bp)`
            inner = call.func
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr in {"limit", "shared_limit"} \
                    and LIMIT_NAME.search(pyast.dotted(inner.func.value) or "") and len(call.args) == 1 and isinstance(call.args[0], ast.Name):
                self.router_limit.setdefault(call.args[0].id, f"{pyast.dotted(inner.func)}(...)({call.args[0].id})")
        for call in self.ctx.nodes_of(ast.Call):
            name = self.q(call.func)
            short = name.split(".")[-1]
            if name.startswith(("starlette.routing.", "fastapi.routing.", "fastapi.")) and short in TABLE_ROUTES:
                path = pyast.const_str(call.args[0] if call.args else getattr(pyast.keyword(call, "path"), "value", None))
                endpoint = call.args[1] if len(call.args) > 1 else getattr(pyast.keyword(call, "endpoint"), "value", None)
                if path is None or endpoint is None:
                    continue
                prefix = ""
                for ancestor in pyast.ancestors(call):
                    if isinstance(ancestor, ast.Call) and self.q(ancestor.func).split(".")[-1] == "Mount" and ancestor.args:
                        prefix = (pyast.const_str(ancestor.args[0]) or "").rstrip("/") + prefix
                kind = "websocket" if short == "WebSocketRoute" else "http"
                self._table_route(call, prefix + path, endpoint, kind, "", functions, "starlette")
            elif short == "add_url_rule" and isinstance(call.func, ast.Attribute) and call.args:
                owner = pyast.dotted(call.func.value) or ""
                path = pyast.const_str(call.args[0])
                view = call.args[2] if len(call.args) > 2 else getattr(pyast.keyword(call, "view_func"), "value", None)
                if path is None or view is None or (owner not in self.apps and owner not in self.routers
                                                     and not self.ctx.imports_module("flask")):
                    continue
                self._table_route(call, path, view, "http", owner, functions, "flask")
            elif pyast.keyword(call, "view_func") is not None and self.ctx.imports_module("flask"):
                # a project helper that forwards to add_url_rule:
                # `register_view(bp, routes=["/login"], view_func=Login.as_view("login"))`
                view = pyast.keyword(call, "view_func").value  # type: ignore[union-attr]
                holder = next((pyast.keyword(call, k) for k in ("routes", "rules", "urls", "rule") if pyast.keyword(call, k)), None)
                paths_node = holder.value if holder is not None else next(
                    (a for a in call.args if isinstance(a, ast.List | ast.Tuple) or pyast.const_str(a)), None)
                elements = paths_node.elts if isinstance(paths_node, ast.List | ast.Tuple) else [paths_node]
                paths = [p for p in (pyast.const_str(e) for e in elements if e is not None) if p is not None and p.startswith("/")]
                first = call.args[0] if call.args else None
                owner = (pyast.dotted(first) or "") if isinstance(first, ast.Name | ast.Attribute) else ""
                for path in paths:
                    self._table_route(call, path, view, "http", owner, functions, "flask")

    def _table_route(
        self, call: ast.Call, path: str, endpoint: ast.AST, kind: str, owner: str,
        functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef], framework: str,
    ) -> None:
        wrapped_auth = ""
        while isinstance(endpoint, ast.Call) and endpoint.args:  # login_required(view), View.as_view("x")
            wrapper = self.q(endpoint.func) or pyast.dotted(endpoint.func) or ""
            if self._is_auth_name(wrapper):
                wrapped_auth = wrapped_auth or wrapper.split(".")[-1]
            if wrapper.endswith("as_view") and isinstance(endpoint.func, ast.Attribute):
                endpoint = endpoint.func.value
                break
            endpoint = endpoint.args[0]
        handler = pyast.dotted(endpoint) or "endpoint"
        methods_kw = pyast.keyword(call, "methods")
        methods: list[str] = []
        if methods_kw and isinstance(methods_kw.value, ast.List | ast.Tuple | ast.Set):
            methods = [str(pyast.const_str(e) or "").upper() for e in methods_kw.value.elts]
        view_class = self._view_classes().get(handler.split(".")[-1])
        if view_class is not None:
            self._class_view_routes(call, path, view_class, methods, owner, framework, wrapped_auth)
            return
        methods = ["WS"] if kind == "websocket" else [m for m in methods if m and m != "HEAD"] or ["GET"]
        func = functions.get(handler.split(".")[-1])
        auth, limit = self._route_protection(func, call, owner) if func is not None else ("", "")
        auth = auth or (f"{wrapped_auth}(...)" if wrapped_auth else "")
        for method in methods:
            self.ctx.emit(
                "route", line=call.lineno, method=method, path=path or "/", handler=handler.split(".")[-1],
                handler_line=func.lineno if func is not None else None,
                framework=self.apps.get(owner) or self.routers.get(owner) or framework, kind=kind,
                auth=bool(auth), auth_via=auth, rate_limited=bool(limit), limit_via=limit,
                router=f"{self.module}.{owner}" if owner else "",
                is_async=isinstance(func, ast.AsyncFunctionDef),
                expensive=self._expensive(func) if func is not None else "",
                calls=self._handler_calls(func) if func is not None else [],
                todo=self._has_todo(func) if func is not None else False,
            )

    def _view_classes(self) -> dict[str, ast.ClassDef]:
        """Class-based views of this module (Flask MethodView/View, anything with get/post methods)."""
        if self._view_class_cache is None:
            self._view_class_cache = {
                c.name: c for c in self.ctx.nodes_of(ast.ClassDef)
                if any(isinstance(b, ast.FunctionDef | ast.AsyncFunctionDef) and b.name in HTTP_METHOD_NAMES for b in c.body)
            }
        return self._view_class_cache

    def _class_view_routes(
        self, call: ast.Call, path: str, view_class: ast.ClassDef, methods: list[str], owner: str,
        framework: str, wrapped_auth: str,
    ) -> None:
        """One route per HTTP method the class implements; `decorators = [login_required, ...]`
        wraps every one of them (Flask's as_view applies the list)."""
        class_auth = class_limit = ""
        exempt = False  # limiter.exempt: not limited even where its blueprint is
        for statement in view_class.body:
            if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "decorators" for t in statement.targets) \
                    and isinstance(statement.value, ast.List | ast.Tuple):
                for decorator in statement.value.elts:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    name = self.q(target) or pyast.dotted(target) or ""
                    short = name.split(".")[-1]
                    if short == "exempt":
                        exempt = True
                    elif LIMIT_NAME.search(name):
                        class_limit = class_limit or name
                    elif not class_auth and (self._is_auth_name(name) or short in PERMISSION_DECORATORS
                                             or AUTH_NAME.search(ast.unparse(decorator))):
                        class_auth = f"decorators=[{short}]"
        wanted = {m for m in methods if m and m != "HEAD"}
        for func in view_class.body:
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or func.name not in HTTP_METHOD_NAMES:
                continue
            method = func.name.upper()
            if wanted and method not in wanted:
                continue
            auth, limit = self._route_protection(func, call, owner)
            auth = class_auth or auth or (f"{wrapped_auth}(...)" if wrapped_auth else "")
            limit = "" if exempt else class_limit or limit
            self.ctx.emit(
                "route", line=call.lineno, method=method, path=path or "/", handler=view_class.name,
                handler_line=func.lineno,
                framework=self.apps.get(owner) or self.routers.get(owner) or framework, kind="http",
                auth=bool(auth), auth_via=auth, rate_limited=bool(limit), limit_via=limit,
                router=f"{self.module}.{owner}" if owner else "",
                is_async=isinstance(func, ast.AsyncFunctionDef),
                expensive=self._expensive(func), calls=self._handler_calls(func), todo=self._has_todo(func),
            )

    def _env_call(self, call: ast.Call) -> None:
        if not call.args:
            return
        key = pyast.const_str(call.args[0])
        if key is None:
            return
        default_node: ast.AST | None = call.args[1] if len(call.args) > 1 else None
        kw = pyast.keyword(call, "default")
        if kw is not None:
            default_node = kw.value
        # `os.environ.get("X") or "literal"` (also `get("X", "") or ...`): the `or` operand is the
        # effective default whenever the variable is unset or empty.
        holder = pyast.parent(call)
        if (
            isinstance(holder, ast.BoolOp) and isinstance(holder.op, ast.Or) and holder.values[0] is call
            and (default_node is None or (isinstance(default_node, ast.Constant) and not default_node.value))
        ):
            default_node = holder.values[1]
        self.ctx.emit(
            "env_var", line=call.lineno, name=key,
            default=_literal_text(default_node), has_default=default_node is not None,
        )

    def _environ_subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, ast.Load) and self.q(node.value) == "os.environ":
            key = pyast.const_str(node.slice)
            if key:
                self.ctx.emit("env_var", line=node.lineno, name=key, default=None, has_default=False)

    def _settings_class(self, node: ast.ClassDef) -> None:
        bases = {self.q(b).split(".")[-1] for b in node.bases}
        qualified_bases = {self.q(b) for b in node.bases}
        table_kw = any(k.arg == "table" and isinstance(k.value, ast.Constant) and k.value.value is True for k in node.keywords)
        if (
            "DeclarativeBase" in bases
            or ("SQLModel" in bases and table_kw)
            or "django.db.models.Model" in qualified_bases
            or ("Model" in bases and any(b.startswith(("flask_sqlalchemy", "db.")) for b in qualified_bases))
        ):
            self.ctx.emit("signal", line=node.lineno, name="orm-models", detail=node.name)
        if not bases & {"BaseSettings", "Settings", "AppSettings"}:
            return
        prefix = ""
        for stmt in node.body:
            # model_config = SettingsConfigDict(env_prefix="APP_") / class Config: env_prefix = "APP_"
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
                kw = pyast.keyword(stmt.value, "env_prefix")
                if kw is not None:
                    prefix = pyast.const_str(kw.value) or ""
            if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
                for inner in stmt.body:
                    if isinstance(inner, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == "env_prefix" for t in inner.targets
                    ):
                        prefix = pyast.const_str(inner.value) or ""
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                field_name = stmt.target.id
                if field_name.startswith("_") or field_name == "model_config":
                    continue
                ann = pyast.dotted(stmt.annotation) or ""
                if ann.startswith("ClassVar"):
                    continue
                default = stmt.value
                if isinstance(default, ast.Call) and self.q(default.func).split(".")[-1] == "Field":
                    inner_default = default.args[0] if default.args else None
                    kw = pyast.keyword(default, "default")
                    if kw is not None:
                        inner_default = kw.value
                    if pyast.keyword(default, "default_factory") is not None:
                        inner_default = ast.Constant(value="<factory>")
                    if isinstance(inner_default, ast.Constant) and inner_default.value is Ellipsis:
                        inner_default = None
                    default = inner_default
                self.ctx.emit(
                    "env_var", line=stmt.lineno, name=(prefix + field_name).upper(),
                    default=_literal_text(default), has_default=default is not None, settings_class=node.name,
                )

    def collect_aliases(self, tree: ast.Module) -> None:
        """Module-level `CurrentUser = Annotated[User, Depends(get_current_user)]`."""
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Subscript):
                deps = self._dependency_names(stmt.value)
                if deps:
                    for target in stmt.targets:
                        if isinstance(target, ast.Name):
                            self.aliases[target.id] = deps[0]
                            self.ctx.emit(
                                "dependency_alias", line=stmt.lineno,
                                alias=f"{self.module}.{target.id}", dependency=deps[0],
                                auth=self._is_auth_name(deps[0]), limit=bool(LIMIT_NAME.search(deps[0])),
                            )


# A module that keeps running: a serve loop, a consumer, a wait on a future that never completes.
LONG_RUNNING = lazy_compile(r"while True|run_forever|serve_forever|websockets\.serve|\bserve\(|\.consume\(|asyncio\.Future\(\)|Event\(\)\.wait\(\)")
FOREVER = lazy_compile(r"^asyncio\.Future\(\)$|^asyncio\.Event\(\)\.wait\(\)$")


def _service_module(ctx: PyContext) -> bool:
    """Not a test, a script directory or a build/CLI helper file. (A `__main__` guard alone does not
    make a module a script here: daemons and workers start that way.)"""
    parts = ctx.path.split("/")
    return not (ctx.is_test_file or any(p in SCRIPT_DIRS for p in parts[:-1]) or parts[-1] in SCRIPT_FILES - {"__main__.py"})


def _entry_point(call: ast.Call) -> bool:
    """`asyncio.run(...)` under `if __name__ == "__main__"` or in a function called main/run/cli."""
    if pyast.under_main_guard(call):
        return True
    function = pyast.enclosing_function(call)
    return function is not None and function.name in {"main", "run", "cli", "start", "serve", "_main"}


def _literal_text(node: ast.AST | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        return None if node.value is None else str(node.value)
    try:
        text = ast.unparse(node)
    except (ValueError, TypeError, AttributeError, RecursionError):
        return "?"
    return text[:80]


def _reads_env(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr in {"environ", "getenv", "LOG_LEVEL", "log_level"}:
            return True
        if isinstance(sub, ast.Name) and sub.id.lower() in {"log_level", "loglevel", "level"}:
            return True
        if isinstance(sub, ast.Call) and (pyast.dotted(sub.func) or "").endswith("getenv"):
            return True
    return False


AUTH_HEADER_WORDS = ("authorization", "x-api-key", "api_key", "apikey", "bearer", "token")


def _body_mentions(func: ast.AST, words: tuple[str, ...]) -> bool:
    for sub in ast.walk(func):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            lowered = sub.value.lower()
            if any(w in lowered for w in words):
                return True
        if isinstance(sub, ast.Name | ast.Attribute):
            name = (sub.id if isinstance(sub, ast.Name) else sub.attr).lower()
            if any(w.replace("-", "_") == name for w in words):
                return True
    return False


def _body_checks_auth(func: ast.AST) -> bool:
    if _body_mentions(func, AUTH_HEADER_WORDS):
        return True
    for sub in ast.walk(func):
        if isinstance(sub, ast.Call):
            callee = (pyast.dotted(sub.func) or "").split(".")[-1]
            if re.search(r"(?i)(verify|decode|authenticate|check_?(auth|token|api_?key)|validate_?token|get_current_user)", callee):
                return True
    return False


def _in_handler_limit(func: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """`await enforce(request.app.state.limiter, "login", ip, 5)`, `await limiter.hit(...)`: the
    project's own limiter called from the handler."""
    for node in (n for stmt in func.body for n in (stmt, *pyast.walk_shallow(stmt))):
        if not isinstance(node, ast.Call):
            continue
        callee = pyast.dotted(node.func) or ""
        short = callee.split(".")[-1]
        owner = callee.rpartition(".")[0]
        if (
            LIMIT_NAME.search(short)
            or any(LIMIT_NAME.search(pyast.dotted(arg) or "") for arg in node.args[:2])
            or (LIMIT_NAME.search(owner) and short in {"hit", "consume", "check", "acquire", "allow", "test"})
        ):
            return f"calls {callee}()"
    return ""


def _in_handler_auth(func: ast.FunctionDef | ast.AsyncFunctionDef, collector: _Collector) -> str:
    for sub in pyast.walk_shallow(func):
        if isinstance(sub, ast.Call):
            callee = pyast.dotted(sub.func) or ""
            short = callee.split(".")[-1]
            if re.fullmatch(
                r"(?i)(verify_?\w*token\w*|verify_?\w*(api_?key|auth|user|signature)\w*|authenticate\w*|"
                r"check_?(auth|token|api_?key|permission)\w*|require_?\w+|get_?current_?user\w*|decode_?\w*token\w*|"
                r"validate_?\w*token\w*|is_?authenticated)",
                short,
            ):
                return f"in-handler {short}()"
    return ""


def _mentions_yield(func: ast.AST) -> bool:
    return any(isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(func))


def iter_route_facts(facts: dict[str, list[dict[str, object]]]) -> Iterator[dict[str, object]]:
    yield from facts.get("route", [])


__all__ = ["FACTS", "Language"]
