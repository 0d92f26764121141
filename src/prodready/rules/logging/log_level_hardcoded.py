"""Log level hard-coded to DEBUG.

## What it does
Flags `logging.basicConfig(level=logging.DEBUG)` and `<logger>.setLevel(logging.DEBUG)` (also
`"DEBUG"`, `NOTSET`, a number up to 10) with a literal level in service code (not tests or scripts).
A fixed INFO, WARNING or ERROR is a production default a reviewer accepts and is not reported.

## Why it matters in production
The level cannot be raised during an incident or lowered when debug output floods the log pipeline
without a code change and a deploy; DEBUG left on in production leaks request data and costs money.
Read the level from the environment (`LOG_LEVEL`).

## Example
```python
logging.basicConfig(level=logging.DEBUG)
```

## Use instead
```python
logging.basicConfig(level=os.getenv("LOG_LEVEL", "INFO"))
```

## Known limitations
Levels set on third-party library loggers (`logging.getLogger("urllib3").setLevel(...)`) are
accepted: quieting a noisy dependency is a deliberate, stable choice.

## References
- https://docs.python.org/3/howto/logging.html#configuring-logging
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
    id="PR-LG-003",
    name="log-level-hardcoded",
    category=Category.LOGGING,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Read the level from configuration (LOG_LEVEL), defaulting to INFO.",
    references=("https://docs.python.org/3/howto/logging.html#configuring-logging",),
)
LEVELS = {"DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL", "NOTSET"}
VERBOSE = {"DEBUG", "NOTSET"}


def _literal_level(node: ast.AST | None) -> str | None:
    if node is None:
        return None
    name = pyast.dotted(node) or ""
    if name.startswith("logging.") and name.split(".")[-1] in LEVELS:
        return name.split(".")[-1]
    text = pyast.const_str(node)
    if text and text.upper() in LEVELS:
        return text.upper()
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return str(node.value)
    return None


@RULE.on_python(ast.Call, calls=["basicConfig", "setLevel"], skip_file=is_script_like)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if is_script_like(ctx) or not isinstance(node.func, ast.Attribute):
        return
    if node.func.attr == "basicConfig":
        kw = pyast.keyword(node, "level")
        level = _literal_level(kw.value if kw is not None else None)
    else:
        owner = node.func.value
        if isinstance(owner, ast.Call) and owner.args and (
            pyast.const_str(owner.args[0]) or isinstance(owner.args[0], ast.Name) and owner.args[0].id != "__name__"
        ):
            return  # logging.getLogger("urllib3") / getLogger(noisy) in a loop over names: a library's logger
        if (pyast.dotted(owner) or "").lower().endswith("handler"):
            return  # mail_handler.setLevel(ERROR): which records a handler receives, not the service's verbosity
        level = _literal_level(node.args[0] if node.args else None)
    ctx.examine(RULE)
    if level and (level in VERBOSE or level.isdigit() and int(level) <= 10):
        yield RULE.hit(node, f"log level hard-coded to {level}: debug output in production, and no way to turn it down without a deploy")
