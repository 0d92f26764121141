"""Auto-reload enabled when the server is started from code.

## What it does
Flags `uvicorn.run(..., reload=True)` and `socketio.run(..., use_reloader=True)` /
`app.run(use_reloader=True)` in application modules.

## Why it matters in production
The reloader runs the app in a child process and restarts it whenever a watched file changes:
double memory, a file watcher on the production file system, dropped requests on restart, and
signals that no longer reach the real server — graceful shutdown breaks.

## Example
```python
uvicorn.run("app.main:app", host="0.0.0.0", reload=True)
```

## Use instead
```python
uvicorn.run("app.main:app", host="0.0.0.0", reload=settings.DEBUG)   # off unless developing
```

## Known limitations
Development-only modules (`dev.py`, `run_local.py`) are skipped.

## References
- https://www.uvicorn.org/settings/#development
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-PM-005",
    name="reload-enabled-in-code",
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Make reload opt-in from configuration (reload=settings.DEBUG) or start the server from the CLI.",
    references=("https://www.uvicorn.org/settings/#development",),
)

DEV_FILE = lazy_compile(r"(?i)(^|/)(dev|development|local|debug|run_local|run_dev)[\w-]*\.py$")


@RULE.on_python(ast.Call, calls=["run"], skip_file=in_test_file)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node) or ""
    if not (name == "uvicorn.run" or name.endswith(".run")):
        return
    if ctx.is_test_file or DEV_FILE.search(ctx.path):
        return
    for key in ("reload", "use_reloader"):
        kw = pyast.keyword(node, key)
        if kw is not None:
            ctx.examine(RULE)
            if isinstance(kw.value, ast.Constant) and kw.value.value is True:
                yield RULE.hit(node, f"{name}({key}=True): the auto-reloader runs in production")
            return
