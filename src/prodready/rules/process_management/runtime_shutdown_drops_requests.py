"""SIGTERM under load fails in-flight requests or the exit misses its deadline (runtime).

## What it does
With `--cmd --shutdown-test`, sends SIGTERM to the service while requests are in flight and reports
in-flight requests that failed and an exit that takes longer than the deadline (10 s by default).

## Why it matters in production
Every deploy and every scale-down sends SIGTERM. A service that drops in-flight requests or hangs
until SIGKILL turns each deploy into user-visible errors.

## Example
```
SIGTERM at t=1.0 s: 7 of 12 in-flight requests reset; still running after 10 s, killed
```

## Use instead
```python
uvicorn.run(app, timeout_graceful_shutdown=20)   # and no handler that ignores SIGTERM
```

## Known limitations
Only the command prodready started is tested; the grace period of the real orchestrator may differ.

## References
- https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-PM-401",
    name="shutdown-drops-requests",
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.RUNTIME}),
    fix="Handle SIGTERM: stop accepting, let in-flight requests finish within the grace period, then exit.",
    references=("https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/",),
)
