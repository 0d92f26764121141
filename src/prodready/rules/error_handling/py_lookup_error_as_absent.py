"""Python handler that answers every failure as "not found"

## What it does
Flags `except Exception:` / `except BaseException:` / bare `except:` blocks that only answer 404
(`abort(404)`, `return ..., 404`, `Response(status=404)`, `raise Http404`, a `response_404()`
helper) and never look at the exception: no log, no re-raise, no use of it.

## Why it matters in production
A broad handler catches the database outage, the full disk, the bug, together with the missing
record. Answered as 404 and never logged, an outage looks to users like missing data and to
monitoring like nothing: no 5xx, no traceback, no alert.

## Example
```python
try:
    note = update_note(note_id, request.json)
except BaseException:
    return Response(status=404)
```

## Use instead
```python
try:
    note = update_note(note_id, request.json)
except NoteNotFound:
    return Response(status=404)
```

## Known limitations
Only a handler of two statements or fewer is read.

## References
- https://docs.python.org/3/howto/logging.html#when-to-use-logging
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-211",
    name="lookup-error-as-absent",
    aliases=("PR-EH-006",),
    category=Category.ERROR_HANDLING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Catch the exception that means absent (DoesNotExist, NoResultFound, FileNotFoundError) for the 404; log anything else.",
    references=("https://docs.python.org/3/howto/logging.html#when-to-use-logging",),
)

BROAD = frozenset({"Exception", "BaseException"})
ANSWERS_404 = lazy_compile(r"\b404\b|Http404|NotFound\b|response_404|not_found\(")


def _skip(ctx: PyContext) -> bool:
    return is_script_like(ctx) or "404" not in ctx.text and "NotFound" not in ctx.text and "_404" not in ctx.text


@RULE.on_python(ast.ExceptHandler, skip_file=_skip)
def check(node: ast.ExceptHandler, ctx: PyContext) -> Iterator[Hit]:
    if _skip(ctx):
        return
    if node.type is not None and not (isinstance(node.type, ast.Name) and node.type.id in BROAD):
        return
    if not node.body or len(node.body) > 2:
        return
    body = ast.unparse(ast.Module(body=node.body, type_ignores=[]))
    if not ANSWERS_404.search(body) or "log" in body.lower():
        return
    if node.name and any(isinstance(n, ast.Name) and n.id == node.name for s in node.body for n in ast.walk(s)):
        return  # the exception is looked at
    ctx.examine(RULE)
    caught = "every exception" if node.type is None else f"every {node.type.id}"  # type: ignore[union-attr]
    yield RULE.hit(node, f"{caught} is answered 404 and never logged: an outage or a bug looks like missing data and raises no alarm")
