"""Production configuration falls back to a local or example address

## What it does
Inside a production configuration class (`class ProdConfig`, `ProductionSettings`) or module
(`settings/production.py`, `config/prod.py`), flags `os.environ.get("DATABASE_URL", "...")` and
`os.getenv(...)` whose default is a connection URL on `localhost`/`127.0.0.1` or an example host.
In any configuration module (`config.py`, `settings.py`, `configs/default.py`) of a service that
also runs on Postgres or MySQL, flags a SQLite URL written as the database setting
(`SQLALCHEMY_DATABASE_URI = "sqlite:///" + basedir + "/app.db"`, or the fallback when
`DATABASE_URL` is unset); development and test classes are left alone.

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
import re
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


# `os.environ.get('REDIS_URL') or 'redis://'`: a scheme with nothing after it is the client's localhost default.
BARE_SCHEME = lazy_compile(r"^[a-z][a-z0-9+]*://$")
DATABASE_VARIABLE = lazy_compile(r"(?i)(database|db|sqlalchemy)_?(url|uri|dsn)")
NOT_PROD_CLASS = lazy_compile(r"(?i)dev|test|local|debug|ci\b")


def _default(node: ast.Call) -> ast.expr | None:
    """The literal used when the variable is unset: getenv's second argument or the `or` fallback."""
    if len(node.args) > 1 and pyast.const_str(node.args[1]) != "":
        return node.args[1]
    current: ast.AST = node
    owner = pyast.parent(current)
    if isinstance(owner, ast.Attribute) and owner.attr in {"replace", "strip", "lower", "rstrip"}:
        call = pyast.parent(owner)  # os.environ.get('DATABASE_URL', '').replace('postgres://', ...) or ...
        if isinstance(call, ast.Call):
            current, owner = call, pyast.parent(call)
    if isinstance(owner, ast.BoolOp) and isinstance(owner.op, ast.Or) and owner.values[0] is current:
        return owner.values[-1]
    return None


def _literal_prefix(node: ast.expr | None) -> str | None:
    """'sqlite:///' + os.path.join(basedir, 'app.db') -> 'sqlite:///...'."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        leftmost = node.left
        while isinstance(leftmost, ast.BinOp) and isinstance(leftmost.op, ast.Add):
            leftmost = leftmost.left  # "sqlite:///" + basedir + "/" + "app.db"
        left = pyast.const_str(leftmost)
        return left + "..." if left is not None else None
    return pyast.const_str(node) if node is not None else None


def _single_config_class(klass: ast.ClassDef, ctx: PyContext) -> bool:
    """The module's only settings class serves every environment, production included."""
    classes = [c for c in ctx.tree.body if isinstance(c, ast.ClassDef)]
    return bool(re.fullmatch(r"(?i)(base|app)?(config|settings)", klass.name)) and not any(
        NOT_PROD_CLASS.search(c.name) or PROD_CLASS.search(c.name) for c in classes
    )


@RULE.on_python(ast.Call, calls=["get", "getenv"])
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node) or ""
    if name not in {"os.environ.get", "os.getenv"} or not node.args:
        return
    klass = pyast.enclosing_class(node)
    in_prod = (klass is not None and (PROD_CLASS.search(klass.name) or _single_config_class(klass, ctx))) or (
        klass is None and PROD_MODULE.search(ctx.path)
    )
    if not in_prod:
        return
    ctx.examine(RULE)
    default = _literal_prefix(_default(node))
    variable = pyast.const_str(node.args[0]) or "the variable"
    if not default:
        return
    local_file = default.startswith("sqlite:") and DATABASE_VARIABLE.search(variable)
    if not (LOCAL_URL.search(default) or BARE_SCHEME.match(default) or local_file):
        return
    where = f"class {klass.name}" if klass is not None else ctx.path.rsplit("/", 1)[-1]
    what = "a SQLite file on the container's disk" if local_file else "a local address"
    yield RULE.hit(
        node,
        f"{where} falls back to `{default}` when {variable} is unset: production starts with {what} "
        "instead of failing",
    )


DATABASE_SETTING = lazy_compile(r"^(SQLALCHEMY_DATABASE_URI|DATABASE_URL|DATABASE_URI|DB_URL|DB_URI|SQLALCHEMY_URL)$")
CONFIG_MODULE = lazy_compile(r"(?i)(^|/)(config|configs|settings|conf)(/|\.py$)|(^|/)default_?(config|settings)\.py$")
NETWORK_DATABASE = lazy_compile(r"(?i)postgres|mysql|mariadb|psycopg")


def _sqlite_literal(value: ast.expr | None) -> str | None:
    """`"sqlite:///..."`, `"sqlite:///" + basedir`, `f"sqlite:///{path}"`: the SQLite URL written in."""
    if isinstance(value, ast.JoinedStr) and value.values:
        head = value.values[0]
        text = head.value if isinstance(head, ast.Constant) and isinstance(head.value, str) else ""
    else:
        text = _literal_prefix(value) or ""
    return text if text.startswith("sqlite:") else None


@RULE.on_python(ast.Assign, ast.AnnAssign)
def check_assigned_sqlite(node: ast.Assign | ast.AnnAssign, ctx: PyContext) -> Iterator[Hit]:
    """A service that also runs on Postgres/MySQL whose configuration module writes a SQLite URL as
    the database when none is configured: a container that misses the setting keeps its data on
    its own disk and loses it on the next deploy."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names = [t.id for t in targets if isinstance(t, ast.Name)]
    if not names or not DATABASE_SETTING.match(names[0]) or not CONFIG_MODULE.search(ctx.path):
        return
    default = _sqlite_literal(node.value)
    if default is None or NOT_PROD_CLASS.search(ctx.path.rsplit("/", 1)[-1]):
        return
    klass = pyast.enclosing_class(node)
    if klass is not None and NOT_PROD_CLASS.search(klass.name):
        return  # TestingConfig, DevelopmentConfig
    ctx.examine(RULE)
    if not NETWORK_DATABASE.search(ctx.text):
        return  # a SQLite-only service: the file is its database
    yield RULE.hit(
        node,
        f"{names[0]} falls back to `{default.removesuffix('...')[:40]}...` when no database is configured: a deployment that misses the "
        "setting keeps its data in a SQLite file on the container's disk and loses it on the next deploy",
    )
