"""`assert` used as a runtime check in service code

## What it does
Flags `assert` statements in production Python code that check something the running service
depends on: an assert inside a route handler (request input, permissions), or one that tests
settings, environment variables or the current user (`assert settings.emails_enabled`,
`assert user.is_superuser`). Tests, scripts and type-narrowing asserts (`assert x is not None`
right before use in library-style helpers) outside handlers are left alone.

## Why it matters in production
`python -O` (and `PYTHONOPTIMIZE`, set by some images) removes every assert: the check silently
disappears and the code runs on with bad input, missing configuration or a caller who lacks the
permission. When asserts do run, a failure is an `AssertionError` — a 500 with no useful message,
not the 400/403/503 the situation calls for.

## Example
```python
def send_email(to: str, subject: str, html: str) -> None:
    assert settings.emails_enabled, "no provided configuration for email variables"
```

## Use instead
```python
def send_email(to: str, subject: str, html: str) -> None:
    if not settings.emails_enabled:
        raise RuntimeError("email is not configured (SMTP_HOST, EMAILS_FROM_EMAIL)")
```

## Known limitations
Asserts in helpers called from handlers are judged only by what they test, not by their callers.

## References
- https://docs.python.org/3/reference/simple_stmts.html#the-assert-statement
- https://bandit.readthedocs.io/en/latest/plugins/b101_assert_used.html
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta
from prodready.rules.input_validation._taint import is_route_handler

RULE = RuleMeta(
    id="PR-EH-005",
    name="assert-for-runtime-check",
    category=Category.ERROR_HANDLING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Replace the assert with an explicit check that raises the right error (HTTP 400/403, or a clear start-up error).",
    references=("https://docs.python.org/3/reference/simple_stmts.html#the-assert-statement",),
)

RUNTIME_STATE = lazy_compile(r"(?i)\b(settings|config|conf|os\.environ|getenv|current_user|is_superuser|is_admin|permission|role|request)\b")


@RULE.on_python(ast.Assert)
def check(node: ast.Assert, ctx: PyContext) -> Iterator[Hit]:
    if is_script_like(ctx):
        return
    function = pyast.enclosing_function(node)
    in_handler = function is not None and is_route_handler(function)
    tested = ast.unparse(node.test)
    if not in_handler and not RUNTIME_STATE.search(tested):
        return
    if re.fullmatch(r"(isinstance\(.*\)|\w+ is not None)", tested) and not in_handler:
        return  # type narrowing for the checker
    if tested.endswith(".is_authenticated") and "LoginRequired" in ctx.text:
        return  # django-stubs narrowing inside a LoginRequiredMixin view: the mixin already checked
    ctx.examine(RULE)
    where = "in a route handler" if in_handler else "on runtime state"
    yield RULE.hit(node, f"`assert {tested[:50]}` {where}: removed under python -O, and a failure answers 500")
