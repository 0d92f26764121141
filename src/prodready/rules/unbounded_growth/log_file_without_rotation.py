"""Log file without rotation.

## What it does
Flags `logging.FileHandler(...)` and `logging.basicConfig(filename=...)` in service code: a log file
that is appended to forever. Rotating/timed/watched handlers are fine.

## Why it matters in production
The file grows until the disk is full; then the service (and often everything on the host) fails
to write, including the database. Seed 000 found per-job log files with no retention.

## Example
```python
handler = logging.FileHandler("/var/log/app.log")
```

## Use instead
```python
handler = logging.handlers.RotatingFileHandler("/var/log/app.log", maxBytes=50_000_000, backupCount=5)
# or log to stdout and let the platform rotate and ship logs
```

## Known limitations
Rotation done by logrotate outside the process is not visible; suppress with that reason.

## References
- https://docs.python.org/3/library/logging.handlers.html#rotatingfilehandler
- https://12factor.net/logs
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-UG-003",
    name="log-file-without-rotation",
    category=Category.UNBOUNDED_GROWTH,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Log to stdout, or use RotatingFileHandler/TimedRotatingFileHandler with a retention (backupCount).",
    references=("https://docs.python.org/3/library/logging.handlers.html#rotatingfilehandler",),
)


@RULE.on_python(ast.Call, calls=["FileHandler", "basicConfig"])
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node)
    if name == "logging.FileHandler":
        if is_script_like(ctx):
            return
        ctx.examine(RULE)
        yield RULE.hit(node, "logging.FileHandler grows the log file forever (no rotation or retention)")
    elif name == "logging.basicConfig" and pyast.keyword(node, "filename") is not None:
        if is_script_like(ctx):
            return
        ctx.examine(RULE)
        yield RULE.hit(node, "logging.basicConfig(filename=...) writes one ever-growing file")
