"""Service misses its load criteria (success rate, p95, p99, error rate) (runtime).

## What it does
Runs an open-model load test (fixed arrival rate, latency measured from the intended send time so
stalls are not hidden) and reports each criterion the service misses: by default at least 95 %
success, p95 below 5 s, p99 below 10 s, errors below 5 %.

## Why it matters in production
A service that meets its latency and error targets only when idle fails its users at the first
peak; the load test shows it before the peak does.

## Example
```
200 req/s for 30 s: success 71 %, p95 8.4 s, p99 12.0 s
```

## Use instead
```python
@app.get("/report")
async def report():
    return await run_in_threadpool(build_report)   # not a blocking call on the event loop
```

## Known limitations
A load test from one machine measures that machine too; compare with `make bench` figures for the generator.

## References
- https://www.brendangregg.com/usemethod.html
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-CC-401",
    name="load-criteria-failed",
    category=Category.CONCURRENCY,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.RUNTIME}),
    fix="Find the bottleneck (blocking calls in async handlers, pool sizes, slow queries) and re-run `prodready verify --stress` until the criteria pass.",
    references=("https://www.brendangregg.com/usemethod.html",),
)
