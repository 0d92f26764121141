"""Exception swallowed silently.

## What it does
Flags a bare `except:` clause, and an `except Exception` / `except BaseException` clause whose
body only passes, continues or returns without logging, re-raising or using the exception.

## Why it matters in production
A swallowed exception turns a failure into silence: the request "succeeds" with wrong data, the
worker skips work, and nobody learns why until a customer does. A bare `except:` also catches
`KeyboardInterrupt` and `SystemExit`, so the process ignores shutdown.

## Example
```python
try:
    sync_documents()
except:
    pass
```

## Use instead
```python
try:
    sync_documents()
except SyncError:
    logger.exception("document sync failed")
    raise
```

## Known limitations
A handler that records the error somewhere other than a logger (a metrics counter, a result
object) and otherwise drops it is still reported when its body is only `pass`/`continue`/`return`.

## References
- https://docs.python.org/3/tutorial/errors.html#handling-exceptions
- https://peps.python.org/pep-0760/
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang.python import anchor_of
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-001",
    name="exception-swallowed",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Catch the specific exception, log it with logger.exception(...), and re-raise or handle it.",
    references=("https://docs.python.org/3/tutorial/errors.html#handling-exceptions",),
)

BROAD = {"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"}


def _is_silent(body: list[ast.stmt]) -> bool:
    """Only pass / continue / ... / bare return / return None / break."""
    for stmt in body:
        if isinstance(stmt, ast.Pass | ast.Continue | ast.Break):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # docstring-like or ellipsis
        if isinstance(stmt, ast.Return) and (stmt.value is None or isinstance(stmt.value, ast.Constant)):
            continue
        return False
    return True


@RULE.on_python(ast.ExceptHandler, skip_file=in_test_file)
def check(node: ast.ExceptHandler, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    ctx.examine(RULE)
    if node.type is None:
        if _is_silent(node.body) or not _reraises(node):
            yield Hit(
                line=node.lineno,
                end_line=node.body[0].end_lineno if _is_silent(node.body) else node.lineno,
                message="bare `except:` catches everything, including SystemExit and KeyboardInterrupt"
                + (", and drops it silently" if _is_silent(node.body) else ""),
                anchor=anchor_of(node),
            )
        return
    names = [node.type] if not isinstance(node.type, ast.Tuple) else list(node.type.elts)
    broad = [n for n in names if ctx.qualified(n) in BROAD]
    if broad and _is_silent(node.body):
        caught = ctx.qualified(broad[0]) or "Exception"
        yield Hit(
            line=node.lineno,
            end_line=node.body[-1].end_lineno,
            message=f"`except {caught.split('.')[-1]}` swallows the error without logging or re-raising",
            anchor=anchor_of(node),
        )


def _reraises(node: ast.ExceptHandler) -> bool:
    return any(isinstance(n, ast.Raise) for stmt in node.body for n in ast.walk(stmt))
