"""Web service without any rate limiting.

## What it does
Reports a web service that exposes HTTP routes and has no rate limiter anywhere: no limiter library
in its dependencies (slowapi, flask-limiter, express-rate-limit, x/time/rate, ...), no limiter
configured in code, and no route marked as limited.

## Why it matters in production
One client — a scraper, a retry storm, a credential-stuffing bot — can use all the capacity and
take the service down for everyone, or run up the bill of every paid API it calls (LLMs, SMS,
email). Login and token endpoints without limits invite brute force.

## Example
```python
app = FastAPI()
app.include_router(orders.router)
```

## Use instead
```python
limiter = Limiter(key_func=get_remote_address, default_limits=["60/minute"], storage_uri=REDIS_URL)
app.state.limiter = limiter
app.add_middleware(SlowAPIMiddleware)
```

## Known limitations
Limits enforced outside the code (API gateway, ingress annotations, a CDN) are not seen: suppress
with the reason, naming where the limit lives.

## References
- https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._repo import RATE_LIMIT_PACKAGES, main_path, service_places
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RA-301",
    name="no-rate-limiting",
    category=Category.RATE_LIMITING,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.REPO}),
    fix="Add a shared-store rate limiter (middleware or per-route) with stricter limits on auth and expensive routes.",
    references=("https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    routes = model.http_routes()
    if not routes:
        return
    ctx.examine(RULE)
    if (
        model.has_signal("rate-limit")
        or model.has_signal("global-rate-limit")
        or any(r.rate_limited for r in routes)
    ):
        return
    if model.has_dependency(*RATE_LIMIT_PACKAGES):
        return
    go_only = all(str(r.file).endswith(".go") for r in routes)
    where = (model.router_setup_file() if go_only else None) or main_path(model)
    yield Hit(line=None, path=where, message=f"{len(routes)} HTTP routes and no rate limiting anywhere",
              elsewhere=service_places(model, where))
