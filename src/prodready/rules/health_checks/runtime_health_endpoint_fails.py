"""Health, liveness or readiness path does not answer 200 in time (runtime).

## What it does
Requests each health, liveness and readiness path of the running service (from the audit's routes,
the OpenAPI document or common paths such as `/healthz`, `/readyz`) and reports a path that
answers anything but 200 within the deadline (2 s by default), or a service where no health path answers at all.

## Why it matters in production
Orchestrators and load balancers restart or drain instances on these answers. A health path that
is slow, errors or does not exist turns every deploy and every dependency hiccup into restarts or
traffic sent to instances that cannot serve.

## Example
```
GET /readyz  ->  500 Internal Server Error (after 3.2 s)
```

## Use instead
```python
@app.get("/healthz")
def live():
    return {"status": "ok"}
```

## Known limitations
Only the paths prodready knows are requested; a health check served on another port (an admin port) is not seen.

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-HC-401",
    name="health-endpoint-fails",
    category=Category.HEALTH_CHECKS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.RUNTIME}),
    fix="Serve a cheap liveness path and a readiness path that answer 200 within a second while the service can serve.",
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ),
)
