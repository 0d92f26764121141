"""Authentication that switches itself off when its secret is not configured

## What it does
Flags a credential check written as "reject only if a secret is configured and the caller's value
differs": Python `if settings.auth_token and token != settings.auth_token:`, JavaScript
`if (cfg.apiKey && key !== cfg.apiKey)`, Go `if cfg.Token != "" && tok != cfg.Token`.

## Why it matters in production
The check fails open. A deployment that forgets the variable — a new environment, a renamed
setting, a secret that did not mount — runs with authentication silently disabled, and nothing in
the logs says so. The safe default is the opposite: no secret configured means nobody gets in
(or the service refuses to start).

## Example
```python
if settings.auth_token and hello.get("token") != settings.auth_token:
    await ws.close(code=4003)
```

## Use instead
```python
if not settings.auth_token:                      # better: refuse to start without it
    raise RuntimeError("AUTH_TOKEN is not set")
if not hmac.compare_digest(hello.get("token", ""), settings.auth_token):
    await ws.close(code=4003)
```

## Known limitations
Only the `configured and differs` form in one condition is read.

## References
- https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import python as pyast
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-011",
    name="auth-skipped-when-secret-unset",
    category=Category.AUTHENTICATION,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Treat a missing secret as 'nobody gets in' (or refuse to start); compare with a constant-time function.",
    references=("https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/",),
)

SECRET = lazy_compile(r"(?i)(token|secret|api_?key|apikey|password|passwd|auth_?key|admin_?key|credential)s?$")
MESSAGE = "the check only runs when the secret is configured: an unset variable turns authentication off"


@RULE.on_python(ast.If, skip_file=in_test_file)
def check_python(node: ast.If, ctx: PyContext) -> Iterator[Hit]:
    test = node.test
    if ctx.is_test_file or not (isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) and len(test.values) == 2):
        return
    configured, compare = test.values
    name = pyast.dotted(configured)
    if not name or not SECRET.search(name.split(".")[-1]):
        return
    if not (isinstance(compare, ast.Compare) and len(compare.ops) == 1 and isinstance(compare.ops[0], ast.NotEq | ast.IsNot)):
        return
    sides = {pyast.dotted(compare.left), pyast.dotted(compare.comparators[0])}
    if name not in sides:
        return
    ctx.examine(RULE)
    yield RULE.hit(node.test, MESSAGE)


FAIL_OPEN = lazy_compile(
    r"^\(?\s*(?P<secret>[\w.]+)\s*(!==?\s*(\"\"|''|undefined|null)\s*)?&&\s*[\w.\[\]'\"()]+\s*!==?\s*(?P=secret)\s*\)?$"
)


@once_per_file
def _no_conjunction(ctx: TreeContext) -> object:
    return ctx.is_test_file or "&&" not in ctx.text


@RULE.on_tree("if_statement", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO), skip_file=_no_conjunction)
def check_tree(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _no_conjunction(ctx):
        return
    condition = field(node, "condition")
    if condition is None:
        return
    written = text(condition)
    if "&&" not in written or "!=" not in written:
        return  # FAIL_OPEN holds both (collapsing whitespace neither makes nor breaks them)
    found = FAIL_OPEN.match(re.sub(r"\s+", " ", written).strip())
    if found is None or not SECRET.search(found.group("secret").split(".")[-1]):
        return
    ctx.examine(RULE)
    yield RULE.hit(condition, MESSAGE)
