"""Service without graceful shutdown.

## What it does
Reports a FastAPI/Starlette/aiohttp service that opens long-lived resources (database engines,
Redis, HTTP or LLM clients) or starts background work, and has no shutdown hook: no
`lifespan=`, no `@app.on_event("shutdown")`/`on_shutdown=`, no SIGTERM handler.

## Why it matters in production
On every deploy the orchestrator sends SIGTERM. Without a shutdown path, background tasks die
mid-write, pooled connections are dropped instead of returned, buffered data is lost, and the
database sees a burst of aborted sessions.

## Example
```python
engine = create_engine(DATABASE_URL)
app = FastAPI()
```

## Use instead
```python
@asynccontextmanager
async def lifespan(app):
    yield
    await http.aclose(); engine.dispose()

app = FastAPI(lifespan=lifespan)
```

## Known limitations
Cleanup done by the server process manager (gunicorn hooks in a config file) is not seen.

## References
- https://fastapi.tiangolo.com/advanced/events/
- https://www.uvicorn.org/deployment/#graceful-shutdown
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-PM-004",
    name="no-graceful-shutdown",
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Add a lifespan (or shutdown handler) that stops background work and closes clients and pools.",
    references=("https://fastapi.tiangolo.com/advanced/events/",),
)

ASGI = {"fastapi", "starlette", "aiohttp", "litestar", "sanic"}


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    apps = [
        a for a in model.facts.get("app", []) if a.get("framework") in ASGI and str(a["file"]).endswith(".py")
    ]
    if not apps:
        return
    ctx.examine(RULE)
    python_shutdown = [s for s in model.signals("graceful-shutdown") if str(s["file"]).endswith(".py")]
    if python_shutdown:
        return
    resources = [c for c in model.clients if str(c["file"]).endswith(".py")]
    if not resources and not model.has_signal("spawns-processes"):
        return
    kinds = sorted({str(c["kind"]) for c in resources})
    yield Hit(
        line=None,
        path=str(apps[0]["file"]),
        message=f"no lifespan/shutdown hook closes {', '.join(kinds) or 'background work'}",
    )
