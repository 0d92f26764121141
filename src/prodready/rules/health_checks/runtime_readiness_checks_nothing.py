"""Readiness answers ready without checking anything (runtime).

## What it does
Reports a readiness path that answers 200 while, by the static audit's facts, its handler calls
nothing (or is a TODO), or - without facts - answers exactly what liveness answers.

## Why it matters in production
Readiness decides whether an instance receives traffic. A readiness path that always says ready
keeps routing requests to an instance whose database or cache is gone, so users get errors instead
of another instance.

## Example
```python
@app.get("/readyz")
def ready():
    return {"status": "ok"}   # never looks at the database
```

## Use instead
```python
@app.get("/readyz")
async def ready():
    await db.execute("SELECT 1")
    return {"status": "ready", "checks": {"db": "ok"}}
```

## Known limitations
Without the audit's facts the verdict rests on the answer alone and has medium confidence.

## References
- https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-HC-402",
    name="readiness-checks-nothing",
    category=Category.HEALTH_CHECKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.RUNTIME}),
    fix="Make readiness check the dependencies the service needs (database ping, cache ping) and answer 503 when one fails.",
    references=("https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",),
)
