"""Expensive route without its own rate limit.

## What it does
Reports routes whose handlers are expensive — they spawn processes, call an LLM, accept uploads,
touch the file system or start background jobs (Celery, RQ) — and are not
covered by any limit (neither a per-route limit nor an app-wide default). In a service with no
rate limiter at all, file-system access alone is not reported.

## Why it matters in production
A handful of clients hammering the one costly endpoint exhausts CPU, workers, disk or the LLM budget
while every cheap route stays within limits. The strictest limits belong on exactly these routes
(jobs, file system, LLM calls).

## Example
```python
@router.post("/exports")
def start_export(): subprocess.Popen([...])
```

## Use instead
```python
@router.post("/exports")
@limiter.limit("2/minute")
def start_export(request: Request): ...
```

## Known limitations
Expensive work hidden in helper functions is only seen when the handler calls it directly.

## References
- https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._repo import RATE_LIMIT_PACKAGES
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RA-001",
    name="expensive-route-without-limit",
    category=Category.RATE_LIMITING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Give the route a strict per-route limit (e.g. @limiter.limit('2/minute')) keyed by user or IP.",
    references=("https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",),
    default=False,
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    has_limiter = (
        model.has_signal("rate-limit")
        or model.has_dependency(*RATE_LIMIT_PACKAGES)
        or any(r.rate_limited for r in model.http_routes())  # the project's own limiter on other routes
    )
    for route in model.http_routes():
        if not route.expensive or not has_limiter and route.expensive.startswith("touches"):
            continue  # without any limiter, only the costliest handlers are worth a finding of their own
        ctx.examine(RULE)
        if not route.rate_limited:
            where = "has no rate limit" if has_limiter else "has no rate limit (there is none in the service)"
            yield Hit(
                line=route.line,
                path=route.file,
                message=f"{route.method} {route.path} {route.expensive} and {where}",
            )
