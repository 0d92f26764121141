"""Service without graceful shutdown.

## What it does
Reports a FastAPI/Starlette/aiohttp service that opens long-lived resources (database engines,
Redis, HTTP or LLM clients) or starts background work, and has no shutdown hook: no
`lifespan=`, no `@app.on_event("shutdown")`/`on_shutdown=`, no SIGTERM handler. Also reports a
standalone asyncio daemon or worker — `asyncio.run(main())` at its entry point, in a module that
serves, consumes or waits forever — with no SIGTERM handler in its own process (a handler in a
child program it spawns does not count), at the `await asyncio.Future()` it idles on when there is one.

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

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@RULE.on_project
def check_daemon(ctx: ProjectContext) -> Iterator[Hit]:
    """A standalone asyncio daemon or worker (`asyncio.run(main())` serving or consuming forever) that
    never installs a SIGTERM handler: `docker stop` kills it mid-work."""
    model = ctx.model
    daemons = model.signals("asyncio-daemon")
    if not daemons:
        return
    ctx.examine(RULE)
    # Only a signal handler counts (a web app's lifespan hook runs in the web server's process), and
    # only one in the daemon's own process: not the handler of a child program it spawns, which has
    # an entry point of its own.
    handlers = [
        str(s["file"]) for s in model.signals("graceful-shutdown")
        if str(s["file"]).endswith(".py") and "SIGTERM" in str(s.get("detail", ""))
    ]
    for daemon in daemons:
        if any(h == daemon["file"] or not _own_entry_point(model, h) for h in handlers):
            continue
        yield Hit(
            line=daemon.get("line"),
            path=str(daemon["file"]),
            message=f"{daemon.get('detail')} runs until killed and nothing handles SIGTERM: stop or deploy cuts in-flight work and leaves clients unclosed",
        )


def _own_entry_point(model: Any, path: str) -> bool:
    """The file starts a program of its own (`if __name__ == "__main__":`)."""
    try:
        text = (Path(model.root) / path).read_text("utf-8", "replace")
    except OSError:
        return False
    return bool(re.search(r"^if\s+__name__\s*==\s*['\"]__main__['\"]", text, re.MULTILINE))
