"""Rate-limit state kept in process memory while running several workers.

## What it does
Reports a limiter whose counters live in the process — slowapi/flask-limiter without a shared
`storage_uri` (memory:// by default), or a module-level dict used to count requests — when the
service runs more than one worker or replica (`--workers N`, gunicorn `-w N`, compose `replicas`,
`uvicorn.run(workers=...)`). A slowapi/flask-limiter or express-rate-limit store left in memory is
reported even with one process (the limiter libraries themselves warn that memory storage is not for
production), unless Flask's `RATELIMIT_STORAGE_URI` is set in the app's configuration.

## Why it matters in production
Each worker counts separately: with 4 workers and 3 replicas, "10/minute" really allows 120/minute,
and the effective limit changes with every scaling decision. Counters also reset on each restart.

## Example
```python
limiter = Limiter(key_func=get_remote_address)          # memory://
# CMD ["gunicorn", "-w", "4", ...]
```

## Use instead
```python
limiter = Limiter(key_func=get_remote_address, storage_uri=settings.REDIS_URL)
```

## Known limitations
Worker counts set only in deployment manifests outside the repository are not seen.

## References
- https://limits.readthedocs.io/en/stable/storage.html
- https://slowapi.readthedocs.io/en/latest/#storage
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RA-003",
    name="in-process-limiter-state",
    category=Category.RATE_LIMITING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Keep limiter counters in a shared store (Redis) so every worker and replica enforces one limit.",
    references=("https://limits.readthedocs.io/en/stable/storage.html",),
)

WORKERS = lazy_compile(r"(--workers[ =]|-w[ =]?|WEB_CONCURRENCY|--threads[ =])\s*\"?([2-9]|\d{2,})")


def _multi_process(model: object) -> str:
    for signal in model.signals("multi-worker"):  # type: ignore[attr-defined]
        return str(signal.get("detail", "several workers"))
    for fact in model.facts.get("dockerfile", []):  # type: ignore[attr-defined]
        if WORKERS.search(str(fact.get("cmd", ""))):
            return f"{fact['file']} starts several workers"
    for service in model.compose_services:  # type: ignore[attr-defined]
        if WORKERS.search(str(service.get("command", ""))) or (service.get("replicas") or 1) > 1:
            return f"compose service `{service['name']}` runs several processes"
    return ""


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    stores = model.signals("limiter-storage") + model.signals("in-process-limiter")
    if not stores:
        return
    ctx.examine(RULE)
    configured = bool(model.signals("limiter-storage-configured"))
    why = _multi_process(model)
    if not why:
        # express-rate-limit's default MemoryStore: even one Node process loses every counter on each
        # restart and deploy, and the next instance (cluster, pm2, a second replica) doubles the limit
        for store in stores:
            detail = str(store.get("detail") or "")
            if detail == "memory://" or detail == "memory:// (default)" and not configured:
                # flask-limiter/slowapi: the library itself warns that memory:// is not for production
                yield Hit(
                    line=store.get("line"),
                    path=str(store["file"]),
                    message="the rate limiter keeps its counters in process memory"
                    f"{' (no storage_uri given)' if 'default' in detail else ''}: they reset on every restart "
                    "and deploy, and a second worker or replica doubles every limit",
                )
                return
            if detail.startswith("memory (express-rate-limit"):
                yield Hit(
                    line=store.get("line"),
                    path=str(store["file"]),
                    message="express-rate-limit keeps its counters in this process's memory (default store): "
                    "they reset on every restart and each instance or cluster worker enforces its own limit",
                )
                return
        return
    for store in stores:
        detail = str(store.get("detail") or "")
        if store.get("name") == "limiter-storage" and (not detail.startswith("memory") or "default" in detail and configured):
            continue
        yield Hit(
            line=store.get("line"),
            path=str(store["file"]),
            message=f"rate-limit counters live in process memory while {why}: each process enforces its own limit",
        )
        return
