"""Production configuration falls back to a local or example address

## What it does
Inside a production configuration class (`class ProdConfig`, `ProductionSettings`) or module
(`settings/production.py`, `config/prod.py`), flags `os.environ.get("DATABASE_URL", "...")` and
`os.getenv(...)` whose default is a connection URL on `localhost`/`127.0.0.1` or an example host.

## Why it matters in production
A production setting that is missing should stop the service at start-up. With a local default it
starts anyway, then fails on the first request with a connection error that points nowhere near the
missing variable — or, worse, connects to whatever listens on localhost.

## Example
```python
class ProdConfig(Config):
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "postgresql://localhost/example")
```

## Use instead
```python
class ProdConfig(Config):
    SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]   # KeyError at start-up when missing
```

## Known limitations
Development and test configuration classes are not judged; a shared base class is judged only
when it is itself named as production configuration.

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
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-005",
    name="production-config-local-default",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Read required production settings without a default (os.environ['X']) so a missing value fails at start-up.",
    references=("https://12factor.net/config",),
)

PROD_CLASS = lazy_compile(r"(?i)prod")
PROD_MODULE = lazy_compile(r"(?i)(^|/)(prod|production)(_settings|_config)?\.py$|(^|/)(settings|config)/(prod|production)\.py$")
LOCAL_URL = lazy_compile(
    r"^[a-z][a-z0-9+]*://([^/@]*@)?(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|example\.(com|org)|[\w.-]*\.example\b)"
    r"|^[a-z][a-z0-9+]*://[^/@]*/example\b|^[a-z][a-z0-9+]*://(localhost|127\.0\.0\.1)?/",
)


@RULE.on_python(ast.Call, calls=["get", "getenv"])
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node) or ""
    if name not in {"os.environ.get", "os.getenv"} or len(node.args) < 2:
        return
    klass = pyast.enclosing_class(node)
    in_prod = (klass is not None and PROD_CLASS.search(klass.name)) or (
        klass is None and PROD_MODULE.search(ctx.path)
    )
    if not in_prod:
        return
    ctx.examine(RULE)
    default = pyast.const_str(node.args[1])
    if not default or not LOCAL_URL.search(default):
        return
    variable = pyast.const_str(node.args[0]) or "the variable"
    where = f"class {klass.name}" if klass is not None else ctx.path.rsplit("/", 1)[-1]
    yield RULE.hit(
        node,
        f"{where} falls back to `{default}` when {variable} is unset: production starts with a local address "
        "instead of failing",
    )
