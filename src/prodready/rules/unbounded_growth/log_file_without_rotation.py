"""Log file without rotation.

## What it does
Flags `logging.FileHandler(...)` and `logging.basicConfig(filename=...)` in service code: a log file
that is appended to forever (rotating/timed/watched handlers are fine). Also flags per-job or
per-request log files opened for writing (`open(f"{LOGS_DIR}/job_{id}.log", "w")`) in a module that
never deletes any file.

## Why it matters in production
The file grows until the disk is full; then the service (and often everything on the host) fails to
write, including the database. Per-job log files without retention are the usual case.

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


@RULE.on_python(ast.Call, calls=["FileHandler", "basicConfig"], skip_file=is_script_like)
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


DELETERS = {"remove", "unlink", "rmtree", "rmdir"}


@RULE.on_python(ast.Call, calls=["open"], skip_file=is_script_like)
def check_per_job_logs(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    """open(f"{LOGS_DIR}/job_{id}.log", "w") in a service that never deletes old log files."""
    if not node.args or is_script_like(ctx) or pyast.enclosing_function(node) is None:
        return
    path = node.args[0]
    mode_kw = pyast.keyword(node, "mode")
    if len(node.args) > 1:
        mode = pyast.const_str(node.args[1])
    elif mode_kw is not None:
        mode = pyast.const_str(mode_kw.value)
    else:
        mode = "r"
    if not mode or mode[0] not in "wax":
        return
    text = ast.unparse(path).lower()
    dynamic = isinstance(path, ast.JoinedStr) or any(
        isinstance(n, ast.FormattedValue | ast.BinOp) for n in ast.walk(path)
    )
    if not dynamic or ".log" not in text and "log" not in text.split("/")[-1]:
        return
    ctx.examine(RULE)
    if any(
        isinstance(c.func, ast.Attribute)
        and c.func.attr in DELETERS
        or (pyast.dotted(c.func) or "").split(".")[-1] in DELETERS
        for c in ctx.nodes_of(ast.Call)
    ):
        return
    yield RULE.hit(node, "a new log file per job/request and nothing in this module ever deletes old ones")
