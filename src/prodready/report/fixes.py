"""Fix examples chosen by the framework in front of us, with the project's own names and ports.

Knowledge as data: one entry per (problem, framework). A problem is a rule id or a family of rule
ids that share a fix ("rate-limit" covers the project-wide and the per-route limiter rules). When
no entry fits, the rule's own "Use instead" example is used, with the port swapped for the
project's. Templates use ``{port}``, ``{health}``, ``{ready}``, ``{route}``, ``{route_path}``,
``{route_method}``, ``{handler}``, ``{cmd}`` and ``{base}`` from :class:`ProjectNames`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from prodready.lazyre import lazy_compile

PY_FRAMEWORKS = ("fastapi", "flask", "django", "starlette", "aiohttp")
JS_FRAMEWORKS = ("express", "nextjs", "koa", "fastify", "hapi", "nestjs")
GO_FRAMEWORKS = ("gin", "echo", "chi", "fiber", "gorilla/mux", "net/http")
DEFAULT_PORT = {"fastapi": "8000", "starlette": "8000", "flask": "5000", "django": "8000", "aiohttp": "8080",
                "express": "3000", "koa": "3000", "fastify": "3000", "nextjs": "3000", "hapi": "3000",
                "nestjs": "3000", "gin": "8080", "echo": "8080", "chi": "8080", "fiber": "8080",
                "gorilla/mux": "8080", "net/http": "8080"}
HEALTH_PATH = lazy_compile(r"(?i)(health|live|ready|ping|status)")

PROBLEM_OF_RULE = {
    "PR-RA-301": "rate-limit", "PR-RA-001": "route-limit", "PR-RA-002": "route-limit",
    "PR-CO-001": "cors", "PR-CO-002": "cors",
    "PR-HC-301": "health", "PR-HC-302": "readiness", "PR-HC-001": "readiness",
    "PR-TO-203": "server-timeouts",
    "PR-PM-004": "shutdown",
    "PR-CT-302": "prod-server", "PR-HC-305": "docker-healthcheck", "PR-CT-301": "docker-user",
    "PR-OB-301": "metrics", "PR-TS-301": "tests", "PR-AU-001": "route-auth",
}

# (problem, framework) -> (fence language, template)
EXAMPLES: dict[tuple[str, str], tuple[str, str]] = {
    ("rate-limit", "flask"): ("python", """\
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(get_remote_address, app=app, default_limits=["60/minute"],
                  storage_uri=os.environ["RATE_LIMIT_STORAGE_URI"])  # e.g. redis://redis:6379/1"""),
    ("rate-limit", "fastapi"): ("python", """\
from slowapi import Limiter, _rate_limit_exceeded_handler
from slowapi.errors import RateLimitExceeded
from slowapi.middleware import SlowAPIMiddleware
from slowapi.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=["60/minute"],
                  storage_uri=settings.REDIS_URL)  # shared by every worker and replica
app.state.limiter = limiter
app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)
app.add_middleware(SlowAPIMiddleware)"""),
    ("rate-limit", "django"): ("python", """\
# pip install django-ratelimit
from django_ratelimit.decorators import ratelimit

@ratelimit(key="ip", rate="60/m", block=True)
def {handler}(request): ..."""),
    ("rate-limit", "express"): ("js", """\
const rateLimit = require("express-rate-limit");
const { RedisStore } = require("rate-limit-redis");

app.use(rateLimit({ windowMs: 60_000, limit: 60, standardHeaders: "draft-7",
  store: new RedisStore({ sendCommand: (...args) => redis.sendCommand(args) }) }));"""),
    ("rate-limit", "go"): ("go", """\
// golang.org/x/time/rate: one limiter per client key (behind a shared store for several replicas)
limiter := rate.NewLimiter(rate.Every(time.Second), 20)
handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {{
    if !limiter.Allow() {{
        w.Header().Set("Retry-After", "1")
        http.Error(w, "too many requests", http.StatusTooManyRequests)
        return
    }}
    mux.ServeHTTP(w, r)
}})"""),
    ("route-limit", "flask"): ("python", """\
@app.route("{route_path}", methods=["{route_method}"])
@limiter.limit("5/minute")
def {handler}(): ..."""),
    ("route-limit", "fastapi"): ("python", """\
@router.{route_method_lower}("{route_path}")
@limiter.limit("5/minute")          # slowapi: the handler needs a `request: Request` parameter
async def {handler}(request: Request, ...): ..."""),
    ("route-limit", "express"): ("js", """\
const strict = rateLimit({ windowMs: 60_000, limit: 5 });
app.{route_method_lower}("{route_path}", strict, {handler});"""),
    ("cors", "flask"): ("python", """\
from flask_cors import CORS

CORS(app, origins=os.environ["ALLOWED_ORIGINS"].split(","), supports_credentials=True)"""),
    ("cors", "fastapi"): ("python", """\
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.ALLOWED_ORIGINS,   # e.g. ["https://shop.example.com"], never "*"
    allow_credentials=True,
    allow_methods=["GET", "POST"],
)"""),
    ("cors", "express"): ("js", """\
const allowed = process.env.ALLOWED_ORIGINS.split(",");
app.use(cors({ origin: allowed, credentials: true }));"""),
    ("cors", "go"): ("go", """\
allowed := map[string]bool{{"https://app.example.com": true}}
if origin := r.Header.Get("Origin"); allowed[origin] {{
    w.Header().Set("Access-Control-Allow-Origin", origin)
    w.Header().Set("Vary", "Origin")
}}"""),
    ("health", "flask"): ("python", """\
@app.get("/healthz")
def healthz():
    return {{"status": "ok"}}"""),
    ("health", "fastapi"): ("python", """\
@app.get("/healthz")
def healthz():
    return {{"status": "ok"}}"""),
    ("health", "express"): ("js", """\
app.get("/healthz", (req, res) => res.json({{ status: "ok" }}));"""),
    ("health", "go"): ("go", """\
mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {{ w.WriteHeader(http.StatusOK) }})"""),
    ("readiness", "flask"): ("python", """\
@app.get("/readyz")
def readyz():
    db.session.execute(text("SELECT 1"))     # each dependency the service needs
    redis_client.ping()
    return {{"status": "ready"}}"""),
    ("readiness", "fastapi"): ("python", """\
@app.get("/readyz")
async def readyz():
    with engine.connect() as conn:            # each dependency the service needs, with a timeout
        conn.execute(text("SELECT 1"))
    redis.ping()
    return {{"status": "ready"}}"""),
    ("readiness", "express"): ("js", """\
app.get("/readyz", async (req, res) => {{
  try {{ await pool.query("SELECT 1"); res.json({{ status: "ready" }}); }}
  catch (err) {{ res.status(503).json({{ status: "unavailable" }}); }}
}});"""),
    ("readiness", "go"): ("go", """\
mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {{
    ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
    defer cancel()
    if err := db.PingContext(ctx); err != nil {{
        http.Error(w, "database unavailable", http.StatusServiceUnavailable)
        return
    }}
    w.WriteHeader(http.StatusOK)
}})"""),
    ("server-timeouts", "go"): ("go", """\
srv := &http.Server{{
    Addr:              ":{port}",
    Handler:           mux,
    ReadHeaderTimeout: 5 * time.Second,
    ReadTimeout:       15 * time.Second,
    WriteTimeout:      30 * time.Second,
    IdleTimeout:       120 * time.Second,
}}
log.Fatal(srv.ListenAndServe())"""),
    ("shutdown", "fastapi"): ("python", """\
@asynccontextmanager
async def lifespan(app: FastAPI):
    yield
    await llm_client.close(); redis.close(); engine.dispose()   # the clients this service creates

app = FastAPI(lifespan=lifespan)"""),
    ("shutdown", "express"): ("js", """\
const server = app.listen({port});
process.on("SIGTERM", () => {{
  server.close(() => process.exit(0));          // stop accepting, finish in-flight requests
  setTimeout(() => process.exit(1), 10_000).unref();
}});"""),
    ("shutdown", "go"): ("go", """\
go func() {{ _ = srv.ListenAndServe() }}()
ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
defer stop()
<-ctx.Done()
shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
defer cancel()
_ = srv.Shutdown(shutdownCtx)"""),
    ("prod-server", "fastapi"): ("dockerfile", """\
CMD ["gunicorn", "{app_module}", "-k", "uvicorn.workers.UvicornWorker", "-w", "4", "-b", "0.0.0.0:{port}"]"""),
    ("prod-server", "flask"): ("dockerfile", """\
CMD ["gunicorn", "-w", "4", "-b", "0.0.0.0:{port}", "{app_module}"]"""),
    ("prod-server", "express"): ("dockerfile", """\
ENV NODE_ENV=production
CMD ["node", "{js_entry}"]"""),
    ("docker-healthcheck", "python"): ("dockerfile", """\
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \\
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}{health}', timeout=2)\""""),
    ("docker-healthcheck", "express"): ("dockerfile", """\
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \\
  CMD node -e "fetch('http://127.0.0.1:{port}{health}').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))\""""),
    ("docker-healthcheck", "go"): ("dockerfile", """\
# distroless/scratch images have no curl: build a tiny probe into the binary (`app -healthcheck`)
HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD ["/app", "-healthcheck"]"""),
    ("docker-user", "python"): ("dockerfile", """\
FROM {base}
RUN useradd --create-home --uid 10001 app
WORKDIR /app
COPY --chown=app . .
USER app
EXPOSE {port}"""),
    ("docker-user", "express"): ("dockerfile", """\
FROM {base}
WORKDIR /app
COPY --chown=node . .
USER node
EXPOSE {port}"""),
    ("docker-user", "go"): ("dockerfile", """\
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
USER nonroot:nonroot
EXPOSE {port}"""),
    ("metrics", "flask"): ("python", """\
from prometheus_flask_exporter import PrometheusMetrics

metrics = PrometheusMetrics(app)        # /metrics with request counts and latencies"""),
    ("metrics", "fastapi"): ("python", """\
from prometheus_fastapi_instrumentator import Instrumentator

Instrumentator().instrument(app).expose(app)     # /metrics
app.add_middleware(CorrelationIdMiddleware)      # asgi-correlation-id: X-Request-ID on every log line"""),
    ("metrics", "express"): ("js", """\
const promBundle = require("express-prom-bundle");
app.use(promBundle({ includeMethod: true, includePath: true }));   // /metrics"""),
    ("metrics", "go"): ("go", """\
mux.Handle("/metrics", promhttp.Handler())   // github.com/prometheus/client_golang"""),
    ("route-auth", "flask"): ("python", """\
@app.route("{route_path}", methods=["{route_method}"])
@login_required                      # or the decorator the protected routes already use
def {handler}(): ..."""),
    ("route-auth", "express"): ("js", """\
app.{route_method_lower}("{route_path}", {auth_via}, {handler});
// or protect everything after the public routes: app.use({auth_via});"""),
    ("route-auth", "go"): ("go", """\
mux.Handle("{route_path}", requireAuth(http.HandlerFunc({handler})))"""),
    ("tests", "fastapi"): ("python", """\
from fastapi.testclient import TestClient
from {app_import} import app

def test_{protected_handler}_requires_auth():
    assert TestClient(app).{protected_method_lower}("{protected_path}").status_code in (401, 403)"""),
    ("tests", "flask"): ("python", """\
from {app_import} import app

def test_{protected_handler}_requires_auth():
    assert app.test_client().{protected_method_lower}("{protected_path}").status_code in (401, 403)"""),
    ("tests", "express"): ("js", """\
const request = require("supertest");
const app = require("../{js_module}");

test("{protected_method} {protected_path} requires auth", async () => {{
  await request(app).{protected_method_lower}("{protected_path}").expect(401);
}});"""),
    ("tests", "go"): ("go", """\
func TestHealth(t *testing.T) {{
    rec := httptest.NewRecorder()
    mux.ServeHTTP(rec, httptest.NewRequest("GET", "{health}", nil))
    if rec.Code != http.StatusOK {{ t.Fatalf("status %d", rec.Code) }}
}}"""),
}
# Templates that use literal braces (JS objects) are written without doubling when they have no
# placeholders; those are formatted with str.replace instead of str.format.


@dataclass(frozen=True)
class ProjectNames:
    """What the report knows about the project's own names: frameworks, ports, paths."""

    frameworks: tuple[str, ...]
    port: str
    host_port: str
    health: str
    ready: str
    route: dict[str, Any]
    protected: dict[str, Any]
    cmd: str
    base: str
    app_module: str
    js_entry: str

    def framework_for(self, path: str | None) -> str:
        suffix = PurePath(path or "").suffix
        if suffix == ".py":
            family: tuple[str, ...] = PY_FRAMEWORKS
        elif suffix in {".js", ".ts", ".mjs", ".cjs", ".tsx"}:
            family = JS_FRAMEWORKS
        elif suffix == ".go":
            family = GO_FRAMEWORKS
        else:
            family = PY_FRAMEWORKS + JS_FRAMEWORKS + GO_FRAMEWORKS
        for name in family:
            if name in self.frameworks:
                return name
        return ""

    def values(self) -> dict[str, str]:
        method = str(self.route.get("method") or "GET")
        module = self.app_module.split(":")[0]
        protected_method = str(self.protected.get("method") or "GET")
        return {
            "protected_path": concrete_path(str(self.protected.get("path") or "/orders")),
            "protected_method": protected_method,
            "protected_method_lower": protected_method.lower() if protected_method.isalpha() else "get",
            "protected_handler": _identifier(str(self.protected.get("handler") or "orders")),
            "auth_via": str(self.route.get("auth_via") or self.protected.get("auth_via") or "requireAuth").split()[-1],
            "port": self.port, "host_port": self.host_port, "health": self.health, "ready": self.ready,
            "route_path": str(self.route.get("path") or "/orders"), "route_method": method,
            "route_method_lower": method.lower() if method.isalpha() else "get",
            "handler": _identifier(str(self.route.get("handler") or "handler")),
            "cmd": self.cmd, "base": self.base or "python:3.12-slim", "app_module": self.app_module,
            "app_import": module, "js_entry": self.js_entry,
            "js_module": self.js_entry.rsplit(".", 1)[0],
        }


def concrete_path(path: str) -> str:
    """/items/:id and /orders/{order_id} as a request would name them: /items/1."""
    return re.sub(r"\{[^}]+\}|:\w+|<[^>]+>", "1", path)


def _identifier(name: str) -> str:
    name = name.split(".")[-1]
    return name if re.fullmatch(r"[A-Za-z_]\w*", name) else "handler"


def _port_from_cmd(cmd: str) -> str:
    match = re.search(r"(?:--port|-p)[ =](\d{2,5})\b|(?:-b|--bind|--listen)[ =]\S*:(\d{2,5})\b", cmd)
    return next((g for g in match.groups() if g), "") if match else ""


def project_names(facts: dict[str, Any]) -> ProjectNames:
    frameworks = tuple(str(f) for f in facts.get("frameworks", []))
    containers = [c for c in facts.get("containers", []) if isinstance(c, dict)]
    services = [s for s in facts.get("services", []) if isinstance(s, dict)]
    env_ports = [str(e.get("default")) for e in facts.get("env_vars", [])
                 if str(e.get("name")) in {"PORT", "HTTP_PORT", "APP_PORT"} and str(e.get("default") or "").isdigit()]
    port, host_port = "", ""
    for service in services:
        for mapping in service.get("ports") or []:
            parts = str(mapping).split("/")[0].split(":")
            if service.get("build") and parts[-1].isdigit():
                port, host_port = parts[-1], parts[-2] if len(parts) > 1 and parts[-2].isdigit() else parts[-1]
                break
        if port:
            break
    for container in containers:
        exposed = [str(p) for p in container.get("expose") or []]
        port = port or (exposed[0] if exposed else "") or _port_from_cmd(str(container.get("cmd") or ""))
    primary = next((f for f in PY_FRAMEWORKS + JS_FRAMEWORKS + GO_FRAMEWORKS if f in frameworks), "")
    port = port or (env_ports[0] if env_ports else "") or DEFAULT_PORT.get(primary, "8000")
    host_port = host_port or port
    routes = [r for r in facts.get("routes", []) if isinstance(r, dict)]
    health_paths = [str(r["path"]) for r in routes if HEALTH_PATH.search(str(r.get("path", ""))) and r.get("kind") != "websocket"]
    ready = next((p for p in health_paths if re.search(r"(?i)ready", p)), "")
    health = next((p for p in health_paths if not re.search(r"(?i)ready", p)), "") or "/healthz"
    # The route an example names: an unprotected write first, else any non-health HTTP route.
    http_routes = [r for r in routes if r.get("kind") != "websocket" and not HEALTH_PATH.search(str(r.get("path", "")))]
    route = next((r for r in http_routes if not r.get("auth") and r.get("method") in {"POST", "PUT", "DELETE", "PATCH"}),
                 next(iter(http_routes), {}))
    protected = next((r for r in http_routes if r.get("auth")), route)
    cmd = next((str(c.get("cmd")) for c in containers if c.get("cmd")), "")
    base = next((str(c.get("base")) for c in containers if c.get("base")), "")
    base = re.sub(r":latest$", ":3.12-slim", base) if base.startswith("python") else base
    app_module = "app:app"
    match = re.search(r"\b([\w.]+:\w+)\b", cmd)
    if match and not match.group(1)[0].isdigit():
        app_module = match.group(1)
    elif routes:
        app_file = next((str(r["file"]) for r in routes if str(r.get("file", "")).endswith(".py")), "")
        if app_file:
            app_module = app_file[:-3].replace("/", ".") + ":app"
    js_entry = next((str(r["file"]) for r in routes if str(r.get("file", "")).endswith((".js", ".ts"))), "server.js")
    return ProjectNames(frameworks, port, host_port, health, ready, route, protected, cmd, base, app_module, js_entry)


def _family(framework: str) -> str:
    if framework in PY_FRAMEWORKS:
        return "python"
    if framework in GO_FRAMEWORKS:
        return "go"
    return framework


def fix_example(rule_id: str, path: str | None, rule_example: str, names: ProjectNames) -> tuple[str, str]:
    """(fence language, code) for this rule in this project; ('', '') when there is nothing to show."""
    problem = PROBLEM_OF_RULE.get(rule_id)
    framework = names.framework_for(path)
    if problem:
        for key in (framework, _family(framework), "go" if framework in GO_FRAMEWORKS else ""):
            entry = EXAMPLES.get((problem, key))
            if entry:
                language, template = entry
                return language, _fill(template, names.values())
    return _from_rule_example(rule_example, names)


def _fill(template: str, values: dict[str, str]) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        # JS object literals with single braces: substitute the placeholders by hand.
        text = template
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        return text


FENCE = lazy_compile(r"^(`{3,})(\w*)\n(.*?)\n\1\s*$", re.S | re.M)


def _from_rule_example(example: str, names: ProjectNames) -> tuple[str, str]:
    match = FENCE.search(example.strip())
    if not match:
        return "", ""
    language, code = match.group(2) or "text", match.group(3)
    if names.port != "8000":
        code = re.sub(r"(?<=[:= ])8000\b", names.port, code)
    return language, code
