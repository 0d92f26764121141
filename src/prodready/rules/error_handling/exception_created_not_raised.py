"""Exception created but never raised

## What it does
Flags a statement that only builds an exception — `ApiError("could not create user", 500)` in
Python, `new HttpError(404, "no such note")` in JavaScript/TypeScript — without `raise` / `throw`.
The class is recognised by its name (`...Error`, `...Exception`, Python's built-in exceptions).

## Why it matters in production
The author meant to stop there and report the failure; instead the object is discarded and the code
carries on as if nothing happened: a failed insert is followed by "created", a `None` user is used
on the next line and fails with an unrelated `AttributeError`, the client gets a 200 or a confusing
500, and the real cause is never logged.

## Example
```python
try:
    user = user.create()
except Exception as e:
    ApiError(str(e), 500)
```

## Use instead
```python
try:
    user = user.create()
except Exception as e:
    raise ApiError("could not create the user", 500) from e
```

## Known limitations
Exception classes are recognised by name only: a class called `...Error` that is not an exception
(a value object) would be reported when built as a statement, which such classes rarely are.

## References
- https://pylint.readthedocs.io/en/latest/user_guide/messages/warning/pointless-exception-statement.html
- https://eslint.org/docs/latest/rules/no-new
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import python as pyast
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-009",
    name="exception-created-not-raised",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Raise (throw) the exception you build, or drop the statement if the failure really does not matter.",
    references=(
        "https://pylint.readthedocs.io/en/latest/user_guide/messages/warning/pointless-exception-statement.html",
        "https://eslint.org/docs/latest/rules/no-new",
    ),
)

EXCEPTION_NAME = lazy_compile(r"^[A-Z]\w*(Error|Exception)$")
BUILTIN_EXCEPTIONS = frozenset(
    name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
)


def _is_exception_class(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return bool(EXCEPTION_NAME.match(last)) or last in BUILTIN_EXCEPTIONS


@RULE.on_python(ast.Expr, skip_file=in_test_file)
def check_python(node: ast.Expr, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not isinstance(node.value, ast.Call):
        return
    name = pyast.dotted(node.value.func) or ""
    if not name or not _is_exception_class(name):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f"`{name}(...)` is built and thrown away: without `raise` the failure is ignored and the code carries on")


@RULE.on_tree("expression_statement", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    expression = node.named_children[0] if node.named_children else None
    if expression is None or expression.type != "new_expression":
        return
    name = text(field(expression, "constructor"))
    if not _is_exception_class(name):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f"`new {name}(...)` is built and thrown away: without `throw` the failure is ignored and the code carries on")
