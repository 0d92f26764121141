"""Health or readiness endpoint that checks nothing.

## What it does
Reports health routes whose handler still carries a TODO/FIXME, and readiness routes (`/ready`,
`/readyz`, `/health/readiness`) that do not touch the database or cache the service uses (no
`execute`/`ping`/`connect`/session call for it). When the service has no readiness route at all,
its health routes (`/health`, `/ping`, ...) are what load balancers and orchestrators probe, so
they are judged the same way.

## Why it matters in production
A readiness probe that always says "ok" sends traffic to instances that cannot reach their database:
every request fails while the orchestrator believes all is well. A TODO in a health check is a check
that was never written.

## Example
```python
@router.get("/ready")
async def readiness():
    return {"status": "ready"}        # says ready whatever the database does
```

## Use instead
```python
@router.get("/ready")
async def readiness():
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
    await redis.ping()
    return {"status": "ready"}
```

## Known limitations
Checks delegated to a helper are recognised when the helper's name mentions the dependency or a
check (`check_db`, `ping`, `health`).

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-readiness-probes
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._repo import HEALTH_PATH, PROBE_PATH, READY_PATH
from prodready.rules.base import RuleMeta
from prodready.rules.health_checks._health import unchecked_dependencies

RULE = RuleMeta(
    id="PR-HC-001",
    name="readiness-without-dependency-check",
    category=Category.HEALTH_CHECKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.GO}),
    fix="Make readiness check each dependency the service needs (SELECT 1, redis ping) and return 503 on failure.",
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ),
)



@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    has_readiness = any(READY_PATH.search(r.path) for r in model.http_routes())
    for route in model.http_routes():
        if not route.file.endswith(".py") or not HEALTH_PATH.search(route.path):
            continue
        ctx.examine(RULE)
        if route.todo:
            yield Hit(
                line=route.handler_line or route.line,
                path=route.file,
                message=f"{route.method} {route.path} has a TODO instead of a dependency check",
            )
            continue
        if not READY_PATH.search(route.path) and has_readiness:
            continue  # a liveness route beside a readiness route: checking nothing is right
        missing = unchecked_dependencies(route, model)
        if missing:
            what = "ready" if has_readiness else "healthy (and there is no readiness route)"
            yield Hit(
                line=route.handler_line or route.line,  # the handler that answers, not its decorator
                path=route.file,
                message=f"{route.method} {route.path} reports {what} without checking {' or '.join(missing)}",
            )



@RULE.on_project
def check_go(ctx: ProjectContext) -> Iterator[Hit]:
    """Go: the only health route's handler answers without touching the database or cache."""
    model = ctx.model
    every = [
        resolved_go_route(r, model.facts.get("go_health_func", []))
        for r in model.facts.get("go_health", [])
        if PROBE_PATH.search(str(r.get("path") or ""))  # not /endpoints/:key/health/badge.svg
    ]
    routes = [r for r in every if r.get("static") is not None]
    if not routes or not (model.has_signal("db") or model.has_signal("redis")):
        return
    ctx.examine(RULE, len(routes))
    readiness = [r for r in routes if READY_PATH.search(str(r.get("path")))]
    if readiness:
        # liveness may answer without looking; readiness is what takes the replica out of rotation
        routes = readiness
    elif len(routes) < len(every) or any(not r.get("static") for r in routes):
        return  # some health route checks a dependency, or has a handler not read (a closure's result)
    for route in routes:
        if not route.get("static"):
            continue
        yield Hit(
            line=route.get("handler_line"),
            path=str(route["file"]),
            message=f"{route.get('path')} answers OK without checking the database or any other dependency: "
            "a replica whose database is gone still receives traffic",
        )


def resolved_go_route(route: dict[str, Any], functions: list[dict[str, Any]]) -> dict[str, Any]:
    """A route whose handler is a method in another file of its package: take that method's answer."""
    if route.get("static") is not None or not route.get("handler"):
        return route
    package = str(route["file"]).rsplit("/", 1)[0] if "/" in str(route["file"]) else ""
    same_name = [f for f in functions if f.get("name") == route["handler"]]
    in_package = [f for f in same_name if (str(f["file"]).rsplit("/", 1)[0] if "/" in str(f["file"]) else "") == package]
    chosen = (in_package or same_name)[:1]
    if not chosen or len(in_package or same_name) > 1:
        return route  # unknown, or ambiguous between packages
    return {**route, "static": chosen[0].get("static"), "file": chosen[0]["file"], "handler_line": chosen[0].get("handler_line"),
            "never_fails": chosen[0].get("never_fails")}
