"""No metrics, tracing or request ids.

## What it does
Reports a web service that exports no metrics (Prometheus, OpenTelemetry, StatsD, Datadog) and/or
propagates no request ids or traces, judged from its dependencies and code.

## Why it matters in production
Without metrics there is no latency, error-rate or saturation signal to alert on: incidents are
reported by users. Without request ids or traces a failing request cannot be followed across log
lines and services.

## Example
```python
app = FastAPI()   # no instrumentation, no correlation id middleware
```

## Use instead
```python
Instrumentator().instrument(app).expose(app)     # /metrics
app.add_middleware(CorrelationIdMiddleware)      # X-Request-ID on every log line
```

## Known limitations
Instrumentation injected by the platform (service mesh, APM agents attached at runtime) is not seen.

## References
- https://prometheus.io/docs/practices/instrumentation/
- https://opentelemetry.io/docs/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._repo import METRICS_PACKAGES, TRACING_PACKAGES, main_path, service_places
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-OB-301",
    name="no-metrics-or-tracing",
    category=Category.OBSERVABILITY,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.REPO}),
    fix="Expose RED metrics (Prometheus/OpenTelemetry) and add request-id/trace propagation middleware.",
    references=("https://prometheus.io/docs/practices/instrumentation/",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    if not model.http_routes():
        return
    ctx.examine(RULE)
    metrics = model.has_signal("metrics") or model.has_dependency(*METRICS_PACKAGES)
    tracing = (
        model.has_signal("tracing")
        or model.has_signal("request-id")
        or model.has_dependency(*TRACING_PACKAGES)
    )
    missing = [label for label, ok in (("metrics", metrics), ("request ids/tracing", tracing)) if not ok]
    if missing:
        where = main_path(model)
        yield Hit(line=None, path=where, message=f"web service with no {' and no '.join(missing)}",
                  elsewhere=service_places(model, where))
