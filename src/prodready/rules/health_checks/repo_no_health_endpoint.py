"""Web service without a health endpoint.

## What it does
Reports a web service whose routes (as extracted from the code) include no health, liveness or
readiness endpoint (`/health`, `/healthz`, `/livez`, `/readyz`, `/ping`, `/status`, ...).

## Why it matters in production
Load balancers, orchestrators and uptime checks need a cheap endpoint that says whether this
instance can serve. Without one they probe a real route (slow, side effects, auth) or only check
that the port is open — a wedged process keeps receiving traffic.

## Example
```python
app = FastAPI()
@app.get("/orders") ...
```

## Use instead
```python
@app.get("/healthz")
def liveness():
    return {"status": "ok"}
```

## Known limitations
Health endpoints provided by a library or a sidecar (and not declared as routes in the code) are
not seen; only services whose routes prodready can read are judged.

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._repo import HEALTH_PATH, main_path, service_places
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-HC-301",
    name="no-health-endpoint",
    category=Category.HEALTH_CHECKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.REPO}),
    fix="Add a cheap liveness endpoint (/healthz) and a readiness endpoint (/readyz) that checks dependencies.",
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    routes = ctx.model.http_routes()
    if not routes:
        return
    ctx.examine(RULE)
    if any(HEALTH_PATH.search(r.path) for r in routes):
        return
    where = _where_routes_live(ctx.model, routes)
    yield Hit(line=None, path=where, message=f"{len(routes)} HTTP routes and no health endpoint",
              elsewhere=service_places(ctx.model, where))


def _where_routes_live(model: Any, routes: list[Any]) -> str | None:
    """Go services register routes in one router file (routers/router.go, internal/rest/...), away from
    main.go: the health route belongs there. Elsewhere the app file is where it is added."""
    go_routes = [r for r in routes if str(r.file).endswith(".go")]
    if go_routes and len(go_routes) == len(routes):
        return str(Counter(r.file for r in go_routes).most_common(1)[0][0])
    django = [str(r.file) for r in routes if r.framework == "django"]
    if django:
        # the root URLconf (the urls.py nearest the root) is where a health route is added
        return min(django, key=lambda f: (f.count("/"), f))
    python = [str(r.file) for r in routes if str(r.file).endswith(".py")]
    if python and len(python) == len(routes):
        return str(Counter(python).most_common(1)[0][0])  # Flask/FastAPI: the module that holds the routes
    return main_path(model)
