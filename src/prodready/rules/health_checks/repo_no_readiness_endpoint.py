"""Health endpoint but no separate readiness check.

## What it does
Reports a web service that has a health/liveness route but no readiness route (`/ready`,
`/readyz`, `/readiness`, `/health/ready`) while it depends on a database, cache or broker.

## Why it matters in production
Liveness answers "restart me?", readiness answers "send me traffic?". With only one endpoint either
a database blip restarts every instance at once (if it checks dependencies) or traffic is sent to
instances that cannot reach the database (if it does not).

## Example
```python
@app.get("/health")
def health(): return {"ok": True}
```

## Use instead
```python
@app.get("/livez")
def live(): return {"ok": True}

@app.get("/readyz")
async def ready():
    await db.execute(text("SELECT 1")); await redis.ping()
    return {"ok": True}
```

## Known limitations
A single endpoint that takes a `?ready` parameter is not recognised.

## References
- https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._repo import HEALTH_PATH, READY_PATH
from prodready.rules.base import RuleMeta
from prodready.rules.health_checks._health import unchecked_dependencies

RULE = RuleMeta(
    id="PR-HC-302",
    name="no-readiness-endpoint",
    category=Category.HEALTH_CHECKS,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.REPO}),
    fix="Split liveness (process is up) from readiness (dependencies reachable) into two endpoints.",
    references=("https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    health = [r for r in model.http_routes() if HEALTH_PATH.search(r.path)]
    if not health:
        return
    if not (model.has_signal("db") or model.has_signal("redis")):
        return
    ctx.examine(RULE)
    if any(READY_PATH.search(r.path) for r in health):
        return
    first = health[0]
    if first.file.endswith(".py") and unchecked_dependencies(first, model):
        return  # PR-HC-001 reports this route: it checks nothing and is the only probe
    go_routes = model.facts.get("go_health", [])
    if go_routes and all(r.get("static") for r in go_routes):
        return  # PR-HC-001 reports the Go handler that checks nothing
    yield Hit(
        line=first.line,
        path=first.file,
        message=f"{first.method} {first.path} is the only health endpoint: no separate readiness check",
    )
