"""Localhost in the default CORS origins.

## What it does
Flags settings and module constants that hold CORS origins (names containing `ORIGIN` or `CORS`)
whose default value lists `localhost` or `127.0.0.1` in application configuration.

## Why it matters in production
Defaults become production values when a variable is forgotten. A production API that trusts
`http://localhost:3000` trusts whatever runs on the user's machine (a malicious local page, a dev
server) and usually means the real front-end origin was never configured.

## Example
```python
class Settings(BaseSettings):
    CORS_ORIGINS: list[str] = ["http://localhost:3000"]
```

## Use instead
```python
class Settings(BaseSettings):
    CORS_ORIGINS: list[str] = []   # set per environment; local values live in .env.development
```

## Known limitations
Files that are clearly development-only (`settings/dev.py`, `local.py`, tests) are skipped.

## References
- https://12factor.net/config
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
    id="PR-CO-003",
    name="cors-localhost-default",
    category=Category.CORS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Default to no origins and set the production origins per environment.",
    references=("https://12factor.net/config",),
)

NAME = lazy_compile(r"(?i)(origin|cors)")
LOCAL = lazy_compile(r"(?i)^https?://(localhost|127\.0\.0\.1|0\.0\.0\.0)(:\d+)?/?$")
DEV_FILE = lazy_compile(r"(?i)(^|/)(dev|development|local|test|testing)[\w-]*\.py$|/(dev|local)/")


@RULE.on_python(ast.Assign, ast.AnnAssign, skip_file=in_test_file)
def check(node: ast.Assign | ast.AnnAssign, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or DEV_FILE.search(ctx.path) or node.value is None:
        return
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names = [pyast.dotted(t) or "" for t in targets]
    if not any(NAME.search(n.split(".")[-1]) for n in names):
        return
    if pyast.enclosing_function(node) is not None:
        return
    value = node.value
    if isinstance(value, ast.Call) and value.args:
        value = value.args[0]
    strings: list[str] = []
    if isinstance(value, ast.List | ast.Tuple | ast.Set):
        strings = [s for s in (pyast.const_str(e) for e in value.elts) if s]
    elif (single := pyast.const_str(value)) is not None:
        strings = [s.strip() for s in single.split(",")]
    if not strings:
        return
    ctx.examine(RULE)
    local = [s for s in strings if LOCAL.match(s)]
    if local:
        yield RULE.hit(node, f"`{names[0].split('.')[-1]}` defaults to {', '.join(local)}")
