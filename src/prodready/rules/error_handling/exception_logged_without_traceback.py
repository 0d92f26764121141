"""Exception logged without its traceback.

## What it does
Inside a broad `except Exception as exc:` block (the failure was not foreseen), flags
`logger.error(...)`/`logging.error(...)` (also `critical`) that formats the exception into the
message (`str(exc)`, `f"{exc}"`, `"%s", exc`) without `exc_info=` and without re-raising, where
`logger.exception(...)` was meant. Warnings, and handlers of a named exception (`except
httpx.TimeoutException as exc`), log an expected failure whose one-line text is enough.

## Why it matters in production
`str(exc)` keeps one line ("connection reset") and drops where it happened and what caused it.
The incident responder sees the symptom in the logs and no stack to act on.

## Example
```python
except Exception as e:
    logger.error(f"call failed: {e}")
```

## Use instead
```python
except Exception:
    logger.exception("call failed")
```

## Known limitations
Logging through a wrapper function is not followed. Handlers that re-raise are not reported
(the traceback is logged higher up).

## References
- https://docs.python.org/3/library/logging.html#logging.Logger.exception
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-002",
    name="exception-logged-without-traceback",
    category=Category.ERROR_HANDLING,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Use logger.exception('...') (or exc_info=True) so the traceback is kept.",
    references=("https://docs.python.org/3/library/logging.html#logging.Logger.exception",),
    default=False,
)

LEVELS = {"error", "critical"}
BROAD = {"Exception", "BaseException"}


def _broad(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((pyast.dotted(kind) or "").split(".")[-1] in BROAD for kind in kinds if kind is not None)
LOGGER_NAMES = ("log", "logger", "logging", "_log", "_logger", "LOG", "LOGGER")


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


@RULE.on_python(ast.ExceptHandler, skip_file=in_test_file)
def check(handler: ast.ExceptHandler, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or handler.name is None or not _broad(handler):
        return
    if any(isinstance(n, ast.Raise) for stmt in handler.body for n in ast.walk(stmt)):
        return
    for stmt in handler.body:
        for node in ast.walk(stmt):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            if node.func.attr not in LEVELS:
                continue
            owner = (pyast.dotted(node.func.value) or "").split(".")[-1]
            if not (owner.lower().endswith(("log", "logger")) or owner in LOGGER_NAMES):
                continue
            ctx.examine(RULE)
            if pyast.keyword(node, "exc_info") is not None or pyast.keyword(node, "stack_info") is not None:
                continue
            if any(_mentions(arg, handler.name) for arg in node.args):
                yield RULE.hit(
                    node, f"`{owner}.{node.func.attr}` logs `{handler.name}` as text and drops the traceback"
                )
                return
