"""Containerised service that writes its logs to a file inside the container

## What it does
In a service that ships a Dockerfile, flags the places that send application logs to a file on
local disk: Python `FileHandler`/`RotatingFileHandler`/`basicConfig(filename=...)`, winston
`transports.File` and file streams in Node, `os.OpenFile("...log")` handed to a logger or
lumberjack in Go.

## Why it matters in production
Container platforms collect what a process writes to stdout and stderr (`docker logs`, Kubernetes,
ECS, Cloud Run). Lines written to a file inside the container are invisible to them: nobody sees
the errors during an incident, the file grows in the container's writable layer until the node's
disk fills, and it is gone when the container is replaced.

## Example
```python
file_handler = RotatingFileHandler("logs/microblog.log", maxBytes=10240, backupCount=10)
app.logger.addHandler(file_handler)
```

## Use instead
```python
handler = logging.StreamHandler(sys.stdout)  # the platform collects, rotates and ships it
app.logger.addHandler(handler)
```

## Known limitations
A file on a mounted volume that a log shipper tails is still flagged: suppress with the reason.
Shell redirections (`server > /var/log/app.log`) are not read here.

## References
- https://12factor.net/logs
- https://docs.docker.com/engine/logging/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-303",
    name="logs-to-file-in-container",
    category=Category.LOGGING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.REPO}),
    fix="Log to stdout/stderr and let the container platform collect, rotate and ship the logs.",
    references=("https://12factor.net/logs",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    files = model.signals("log-file")
    if not files or not model.dockerfiles:
        return
    ctx.examine(RULE)
    for signal in files:
        yield Hit(
            line=signal.get("line"),
            path=str(signal["file"]),
            message=f"{signal.get('detail')} writes logs to a file inside the container: `docker logs` and the "
            "platform's collectors never see them, and they are lost with the container",
        )
