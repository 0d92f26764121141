"""The ProjectModel: what the tree is, built once per run from the facts every file produced."""

from __future__ import annotations

import posixpath
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from prodready.lazyre import lazy_compile
from prodready.model import Language


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    handler: str
    file: str
    line: int | None
    framework: str
    kind: str = "http"  # http | websocket
    auth: bool = False
    auth_via: str = ""
    rate_limited: bool = False
    limit_via: str = ""
    expensive: str = ""  # why the handler is costly (spawns processes, calls an LLM, uploads, ...)
    calls: tuple[str, ...] = ()  # callees in the handler body (readiness checks, auth calls)
    todo: bool = False
    # the path comes from configuration (`r.GET(cfg.API.HealthURI, h)`): `path` is read off the field name
    configured_path: bool = False
    handler_line: int | None = None  # the handler's `def` (Python): where "answers without checking" lives

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "handler": self.handler,
            "file": self.file,
            "line": self.line,
            "framework": self.framework,
            "kind": self.kind,
            "auth": self.auth,
            "auth_via": self.auth_via,
            "rate_limited": self.rate_limited,
            "limit_via": self.limit_via,
        }


@dataclass(frozen=True, slots=True)
class EnvVar:
    name: str
    file: str
    line: int | None
    default: str | None
    has_default: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.file,
            "line": self.line,
            "default": redacted_default(self.name, self.default),
            "has_default": self.has_default,
        }


def _redacted_service(service: dict[str, Any]) -> dict[str, Any]:
    from prodready.redact import redact

    return {k: redact(v) if isinstance(v, str) else v for k, v in service.items()}


SECRET_VAR = lazy_compile(
    r"(?i)(secret|password|passwd|token|api_?key|private|credential|dsn|signing|(?:^|_)key(?:_|$)|session|salt|"
    r"encrypt|hmac|cookie|webhook)"
)


def redacted_default(name: str, default: str | None) -> str | None:
    """Defaults leave the engine too (JSON facts, the configuration matrix): mask secret ones."""
    if default is None:
        return None
    from prodready.redact import MASK, redact

    if SECRET_VAR.search(name) and default.strip() not in {"", "None", "null"}:
        return MASK
    return redact(default)


# Trees whose app objects are not the service's own.
NOT_MAIN = lazy_compile(r"(?i)(^|/)(tests?|examples?|_examples?|demos?|samples?|mocks?|fixtures|e2e|embed|test-\w+|\w+-test|docs?|scripts)(/|$)")
# An app that is not the service itself: a development or set-up server, an admin sub-app.
SIDE_APP = lazy_compile(r"(?i)(^|/)([\w-]*[-_.])?(dev|develop|development|setup|install|seed|mock|admin|debug|gopher)(\.[\w.]+)?$")
DJANGO_BASE_SETTINGS = lazy_compile(r"(?i)(^|/)(settings\.py|settings/(base|common|__init__)\.py)$")


@dataclass
class ProjectModel:
    root: str
    files: list[tuple[str, Language]] = field(default_factory=list)
    all_paths: list[str] = field(default_factory=list)
    languages: Counter[str] = field(default_factory=Counter)
    frameworks: set[str] = field(default_factory=set)
    dependencies: dict[str, set[str]] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    env_vars: list[EnvVar] = field(default_factory=list)
    clients: list[dict[str, Any]] = field(default_factory=list)
    dockerfiles: list[str] = field(default_factory=list)
    # Images never run in production: Dockerfile.dev, .gitpod.Dockerfile, and images built only by
    # compose services that mount their build context over the image (the checkout runs instead).
    dev_dockerfiles: set[str] = field(default_factory=set)
    compose_services: list[dict[str, Any]] = field(default_factory=list)
    test_files: list[str] = field(default_factory=list)
    facts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    # -- questions rules ask -------------------------------------------------------------
    def signals(self, name: str) -> list[dict[str, Any]]:
        """Facts of kind 'signal' with this name (rate-limit, metrics, global-auth, ...)."""
        return [s for s in self.facts.get("signal", []) if s.get("name") == name]

    def has_signal(self, name: str) -> bool:
        return bool(self.signals(name))

    def has_dependency(self, *names: str) -> bool:
        wanted = {n.lower() for n in names}
        return any(wanted & deps for deps in self.dependencies.values())

    @property
    def is_web_service(self) -> bool:
        return bool(self.routes) or bool(self.frameworks & WEB_FRAMEWORKS)

    @property
    def source_files(self) -> list[str]:
        code = {Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}
        return [p for p, lang in self.files if lang in code]

    def http_routes(self) -> list[Route]:
        return [r for r in self.routes if r.kind == "http"]

    def main_app_file(self) -> str | None:
        """The file a reviewer would open first: where the app object or most routes live."""
        settings = [str(s["file"]) for s in self.signals("django-settings") if not NOT_MAIN.search(str(s["file"]))]
        if settings and any(r.framework == "django" for r in self.routes):
            # Django: protections (middleware, throttles, LOGGING) are switched on in the settings
            return min(settings, key=lambda f: (not DJANGO_BASE_SETTINGS.search(f), f.count("/"), f))
        apps = [str(a["file"]) for a in self.facts.get("app", [])]
        if apps:
            # the app of the service, not one in an example, test or embed tree; then where the routes are
            route_files = Counter(r.file for r in self.routes)
            return min(apps, key=lambda f: (bool(NOT_MAIN.search(f)), bool(SIDE_APP.search(f)), -route_files.get(f, 0), apps.index(f)))
        if self.routes:
            counts = Counter(r.file for r in self.routes)
            return counts.most_common(1)[0][0]
        return None

    def router_setup_file(self) -> str | None:
        """Go: the file that sets the router up (most `.Use(...)` middleware calls), where a reviewer
        adds the limiter, the health route or the metrics middleware. None when nothing is mounted."""
        uses = [str(r["file"]) for r in self.facts.get("router_use", []) if str(r["file"]).endswith(".go")]
        if not uses:
            return None
        counts = Counter(uses)
        most = max(counts.values())
        # a tie goes to the file whose middleware is mounted on the engine itself (`e.Use(...)`), the
        # server set-up a reviewer points at, over a routes file that adds group middleware
        roots = {str(r["file"]) for r in self.facts.get("router_use", []) if r.get("root")}
        tied = [f for f, n in counts.items() if n == most]
        return next((f for f in tied if f in roots), tied[0])

    def to_facts_json(self) -> dict[str, Any]:
        return {
            "languages": dict(sorted(self.languages.items())),
            "frameworks": sorted(self.frameworks),
            "dependencies": {k: sorted(v) for k, v in sorted(self.dependencies.items())},
            "routes": [r.to_json() for r in self.routes],
            "env_vars": [e.to_json() for e in self.env_vars],
            "clients": self.clients,
            "dockerfiles": self.dockerfiles,
            "containers": [_redacted_service(d) for d in self.facts.get("dockerfile", [])],
            "services": [_redacted_service(s) for s in self.compose_services],
            "documented_env": sorted(
                {str(n).upper() for r in self.facts.get("documented_env", []) for n in r.get("names", [])}
            ),
            "tests_present": bool(self.test_files),
            "test_files": len(self.test_files),
        }


NOT_SERVICE_DIRS = frozenset(
    {"examples", "example", "docs", "doc", "demo", "demos", "samples", "sample", "test", "tests", "__tests__",
     "fixtures", "testdata", "e2e", "benchmarks"}
)
WEB_FRAMEWORKS = frozenset(
    {
        "fastapi", "flask", "starlette", "django", "aiohttp", "sanic", "tornado", "litestar",
        "express", "nextjs", "koa", "fastify", "hapi", "nestjs",
        "net/http", "gin", "echo", "fiber", "chi", "gorilla/mux",
    }
)


def build_model(
    root: str,
    files: list[tuple[str, Language]],
    all_paths: list[str],
    facts: dict[str, list[dict[str, Any]]],
) -> ProjectModel:
    model = ProjectModel(root=root, files=files, all_paths=all_paths, facts=facts)
    model.languages = Counter(lang.value for _, lang in files)
    for record in facts.get("framework", []):
        model.frameworks.add(str(record["name"]))
    for record in facts.get("dependency", []):
        model.dependencies.setdefault(str(record["ecosystem"]), set()).add(str(record["name"]).lower())
    seen_routes: set[tuple[str, str, str, int | None]] = set()
    _resolve_aliases(facts)
    for record in facts.get("route", []):
        if NOT_SERVICE_DIRS & set(str(record["file"]).split("/")[:-1]):
            continue  # examples and docs declare routes too; they are not this service's API
        route = Route(
            method=str(record.get("method", "GET")).upper(),
            path=str(record.get("path", "")),
            handler=str(record.get("handler", "")),
            file=str(record["file"]),
            line=record.get("line"),
            framework=str(record.get("framework", "")),
            kind=str(record.get("kind", "http")),
            auth=bool(record.get("auth", False)),
            auth_via=str(record.get("auth_via", "")),
            rate_limited=bool(record.get("rate_limited", False)),
            limit_via=str(record.get("limit_via", "")),
            expensive=str(record.get("expensive", "") or ""),
            calls=tuple(str(c) for c in record.get("calls", []) or ()),
            todo=bool(record.get("todo", False)),
            configured_path=bool(record.get("configured_path", False)),
            handler_line=record.get("handler_line"),
        )
        key = (route.method, route.path, route.file, route.line)
        if key not in seen_routes:
            seen_routes.add(key)
            model.routes.append(route)
    for record in facts.get("env_var", []):
        model.env_vars.append(
            EnvVar(
                name=str(record["name"]),
                file=str(record["file"]),
                line=record.get("line"),
                default=record.get("default"),
                has_default=bool(record.get("has_default", record.get("default") is not None)),
            )
        )
    model.routes = resolve_route_protection(model.routes, facts)
    model.clients = [dict(r) for r in facts.get("client", [])]
    model.dockerfiles = sorted({p for p, lang in files if lang == Language.DOCKERFILE})
    model.compose_services = [dict(r) for r in facts.get("compose_service", [])]
    model.dev_dockerfiles = development_dockerfiles(model.dockerfiles, model.compose_services)
    # A test file counts when it defines tests (an empty tests/ with __init__.py does not).
    model.test_files = sorted({str(r["file"]) for r in facts.get("test", [])})
    return model




def development_dockerfiles(dockerfiles: list[str], services: list[dict[str, Any]]) -> set[str]:
    """The Dockerfiles of development images: named so (Dockerfile.dev, .gitpod.Dockerfile,
    .devcontainer/), or built only by compose services that bind-mount their build context over
    the image, when another Dockerfile beside or above it builds the image that ships."""
    from prodready.rules.container._docker import is_dev_image

    dev = {path for path in dockerfiles if is_dev_image(path)}
    built_by: dict[str, list[bool]] = {}
    for service in services:
        if not service.get("build"):
            continue
        directory = posixpath.dirname(str(service.get("file", "")))
        context = posixpath.normpath(posixpath.join(directory, str(service["build"])))
        name = str(service.get("dockerfile") or "Dockerfile")
        path = posixpath.normpath(posixpath.join(context, name)).removeprefix("./")
        built_by.setdefault(path, []).append(bool(service.get("mounts_context")))
    for path, mounted in built_by.items():
        if path not in dockerfiles or not all(mounted):
            continue
        directory = posixpath.dirname(path)
        # The image it stands in for: another Dockerfile beside it or above it (Dockerfile.prod,
        # the root Dockerfile), not a sibling service's image.
        shipped = [other for other in dockerfiles if other != path and other not in dev
                   and (directory + "/").startswith(posixpath.dirname(other) + "/" if posixpath.dirname(other) else "")]
        if shipped:
            dev.add(path)
    return dev


def _same_symbol(a: str, b: str) -> bool:
    """Qualified names from imports vs. from file paths: equal up to a leading package root."""
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def _inherit_view_auth(facts: dict[str, list[dict[str, Any]]]) -> None:
    """A route method of a class-based view whose base class (in another module, by name) declares
    `user = Depends(get_current_user)`: every route of the class requires it."""
    classes: dict[str, list[dict[str, Any]]] = {}
    for record in facts.get("view_class", []):
        classes.setdefault(str(record["name"]), []).append(record)
    if not classes:
        return
    for route in facts.get("route", []):
        if route.get("auth") or not route.get("view_bases"):
            continue
        pending, seen = list(route["view_bases"]), set[str]()
        while pending and len(seen) < 12:
            name = str(pending.pop(0))
            if name in seen:
                continue
            seen.add(name)
            found = classes.get(name, [])
            holder = next((c for c in found if c.get("auth")), None)
            if holder is not None:
                route["auth"], route["auth_via"] = True, f"class {name}: {holder.get('via')}"
                break
            for record in found:
                pending.extend(str(b) for b in record.get("bases", []) or [])


def _resolve_aliases(facts: dict[str, list[dict[str, Any]]]) -> None:
    """`current_user: CurrentUser` where CurrentUser = Annotated[User, Depends(get_current_user)]
    lives in another module, or `Depends(enforce_rate_limit)` where enforce_rate_limit itself depends
    on authentication: mark those routes authenticated (and rate limited when the dependency limits)."""
    functions = facts.get("dependency_function", [])
    _inherit_view_auth(facts)
    aliases = []
    for record in facts.get("dependency_alias", []):
        target = next((f for f in functions if _same_symbol(str(record["dependency"]), str(f["function"]))), None)
        auth = bool(record.get("auth") or (target and target.get("auth")))
        limit = bool(record.get("limit") or (target and target.get("limit")))
        if auth or limit:
            aliases.append((str(record["alias"]), str(record["dependency"]), auth, limit))
    if not aliases and not functions:
        return
    for record in facts.get("route", []):
        for annotation in record.get("param_annotations", []) or []:
            for alias, dependency, auth, limit in aliases:
                if not _same_symbol(str(annotation), alias):
                    continue
                short = f"parameter annotated {alias.split('.')[-1]} (Depends({dependency.split('.')[-1]}))"
                if auth and not record.get("auth"):
                    record["auth"], record["auth_via"] = True, short
                if limit and not record.get("rate_limited"):
                    record["rate_limited"], record["limit_via"] = True, short
        for dependency in record.get("param_dependencies", []) or []:
            for function in functions:
                if not _same_symbol(str(dependency), str(function["function"])):
                    continue
                short = f"Depends({str(function['function']).split('.')[-1]})"
                if function.get("auth") and not record.get("auth"):
                    record["auth"], record["auth_via"] = True, f"{short} -> {function.get('via')}"
                if function.get("limit") and not record.get("rate_limited"):
                    record["rate_limited"], record["limit_via"] = True, short


def resolve_route_protection(routes: list[Route], facts: dict[str, list[dict[str, Any]]]) -> list[Route]:
    """Apply router-level includes (with dependencies and prefixes) and app-wide middleware."""
    from dataclasses import replace

    includes = facts.get("router_include", [])
    constructors = {str(c["function"]): str(c["type"]) for c in facts.get("go_constructor", [])}
    if constructors:
        # Go `newAPI(max).mount(r)`: the method of the type the constructor returns
        includes = [
            {**include, "router": constructors[head] + "." + tail}
            if "()." in str(include.get("router", "")) and (head := str(include["router"]).split("().")[0]) in constructors
            and (tail := str(include["router"]).split("().", 1)[1]) else include
            for include in includes
        ]
    route_records = {(r["file"], r.get("line"), str(r.get("method", "GET")).upper(), r.get("path")): r for r in facts.get("route", [])}
    # router -> (auth_via, limit_via, prefix) accumulated through include chains
    protection: dict[str, tuple[str, str, str]] = {}
    for _ in range(6):
        changed = False
        for include in includes:
            child = str(include.get("router", ""))
            parent = str(include.get("parent", ""))
            parent_state = next((v for k, v in protection.items() if _same_symbol(k, parent)), ("", "", ""))
            auth = str(include.get("auth_via") or "") or parent_state[0]
            limit = str(include.get("limit_via") or "") or parent_state[1]
            prefix = parent_state[2] + str(include.get("prefix") or "")
            state = (
                f"include_router({auth})" if auth and not auth.startswith("include_router") else auth,
                f"include_router({limit})" if limit and not limit.startswith("include_router") else limit,
                prefix,
            )
            if protection.get(child) != state:
                protection[child] = state
                changed = True
        if not changed:
            break
    global_auth = [s for s in facts.get("signal", []) if s.get("name") == "global-auth"]
    global_limit = [s for s in facts.get("signal", []) if s.get("name") == "global-rate-limit"]
    resolved: list[Route] = []
    for route in routes:
        record = route_records.get((route.file, route.line, route.method, route.path), {})
        router = str(record.get("router", ""))
        found = next((v for k, v in protection.items() if router and _same_symbol(k, router)), None)
        if found is not None:
            auth_via, limit_via, prefix = found
            if auth_via and not route.auth:
                route = replace(route, auth=True, auth_via=auth_via)
            if limit_via and not route.rate_limited:
                route = replace(route, rate_limited=True, limit_via=limit_via)
            if prefix and route.path != "?":
                route = replace(route, path=(prefix + route.path) or "/")
        if global_auth and not route.auth:
            signal = global_auth[0]
            route = replace(route, auth=True, auth_via=f"app-wide: {signal.get('detail', '')} ({signal['file']}:{signal.get('line')})")
        if global_limit and not route.rate_limited:
            signal = global_limit[0]
            route = replace(route, rate_limited=True, limit_via=f"app-wide: {signal.get('detail', '')}")
        resolved.append(route)
    return _inherit_mount_protection(resolved)


GO_SUBROUTER = lazy_compile(r"(?i)(\(|(handler|mux|router|server|routes|api)$)")


def is_go_mount(route: Route) -> bool:
    """`mux.Handle("/v1/", api.NewHandler(...))`: a prefix handed to a sub-router, not a handler
    function registered on a subtree path (`http.HandleFunc("/add/", AddTaskFunc)`)."""
    return (route.framework == "go" and route.method == "ANY" and route.path.endswith("/") and len(route.path) > 1
            and "Func" not in route.handler and bool(GO_SUBROUTER.search(route.handler)))


def _inherit_mount_protection(routes: list[Route]) -> list[Route]:
    """Go: `mux.Handle("/admin/", requireRole(adminMux))` protects every route the sub-mux
    registers under /admin/, wherever those are declared."""
    from dataclasses import replace

    mounts = [r for r in routes if is_go_mount(r) and r.auth]
    if not mounts:
        return routes
    out = []
    for route in routes:
        if route.framework == "go" and not route.auth:
            mount = next((m for m in mounts if m is not route and route.path.startswith(m.path)), None)
            if mount is not None:
                route = replace(route, auth=True, auth_via=f"mounted under {mount.path} ({mount.auth_via})")
        out.append(route)
    return out
