"""Debug mode on in application code or defaults.

## What it does
Flags debug mode hard-coded or defaulting on: `DEBUG = True` in settings modules, `DEBUG: bool =
True` in a settings class, `FastAPI(debug=True)`/`Starlette(debug=True)`, `app.run(debug=True)`
outside an `if __name__ == "__main__":` block, `app.debug = True`, `app.config["DEBUG"] = True`,
and `os.getenv("DEBUG", "true")`-style truthy defaults.

## Why it matters in production
Debug mode returns stack traces, settings and sometimes an interactive console (Werkzeug) to anyone
who triggers an error: secrets and code leak, and with the Werkzeug debugger, remote code execution.
A default of "on" means a forgotten variable ships debug to production.

## Example
```python
class Settings(BaseSettings):
    DEBUG: bool = True
```

## Use instead
```python
class Settings(BaseSettings):
    DEBUG: bool = False   # opt in locally via .env
```

## Known limitations
Files that are clearly development-only (`settings/dev.py`, `local_settings.py`, tests) are skipped.

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#debug
- https://flask.palletsprojects.com/en/stable/debugging/
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import env_read, in_test_file, local_env_helpers
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-001",
    name="debug-enabled",
    category=Category.CONFIGURATION,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Default debug to False and enable it only through a local, uncommitted environment variable.",
    references=("https://docs.djangoproject.com/en/stable/ref/settings/#debug",),
)

DEV_FILE = lazy_compile(
    r"(?i)(^|/)(dev|development|local|test|testing|debug)[\w-]*\.py$|(^|/)(dev|local)/|local_settings"
)
DEBUG_NAMES = {"DEBUG", "FLASK_DEBUG", "APP_DEBUG", "debug"}
APP_FACTORIES = {"fastapi.FastAPI", "starlette.applications.Starlette", "sanic.Sanic", "litestar.Litestar"}
TRUTHY = {"true", "1", "yes", "on"}


def _is_true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


@RULE.on_python(ast.Assign, ast.AnnAssign, skip_file=in_test_file)
def check_assign(node: ast.Assign | ast.AnnAssign, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or DEV_FILE.search(ctx.path) or pyast.enclosing_function(node) is not None:
        return
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        name = pyast.dotted(target) or ""
        if isinstance(target, ast.Subscript):
            name = pyast.const_str(target.slice) or ""
        short = name.split(".")[-1]
        if short not in DEBUG_NAMES and name not in {"app.debug"}:
            continue
        ctx.examine(RULE)
        value = node.value
        if isinstance(value, ast.Call) and (ctx.qualified(value.func) or "").endswith("Field") and value.args:
            value = value.args[0]
        if _is_true(value):
            yield RULE.hit(node, f"`{name}` is hard-coded to True")
        return


@RULE.on_python(ast.Call, calls=["FastAPI", "Litestar", "Sanic", "Starlette", "get", "getenv", "run"], skip_file=in_test_file)
def check_call(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or DEV_FILE.search(ctx.path):
        return
    name = ctx.call_name(node) or ""
    if name in APP_FACTORIES or (name.endswith(".run") and isinstance(node.func, ast.Attribute)):
        debug = pyast.keyword(node, "debug")
        if debug is None:
            return
        if name.endswith(".run") and pyast.under_main_guard(node):
            return
        ctx.examine(RULE)
        if _is_true(debug.value):
            yield RULE.hit(node, f"{name.split('.')[-1]}(debug=True) in application code")
        return
    if name in {"os.getenv", "os.environ.get", "environ.get"} and len(node.args) >= 2:
        key = pyast.const_str(node.args[0]) or ""
        if key.upper() in {"DEBUG", "FLASK_DEBUG", "APP_DEBUG", "DJANGO_DEBUG"}:
            ctx.examine(RULE)
            default = pyast.const_str(node.args[1])
            if (default or "").lower() in TRUTHY or _is_true(node.args[1]):
                yield RULE.hit(node, f"`{key}` defaults to on when the variable is missing")


@RULE.on_python(ast.Assign, skip_file=lambda ctx: in_test_file(ctx) or "DEBUG" not in ctx.text)
def check_env_helper(node: ast.Assign, ctx: PyContext) -> Iterator[Hit]:
    """`DEBUG = envbool("DEBUG", "True")` with a helper of this settings module around os.getenv."""
    if ctx.is_test_file or DEV_FILE.search(ctx.path) or "DEBUG" not in ctx.text:
        return
    if not isinstance(node.value, ast.Call) or not isinstance(node.value.func, ast.Name):
        return
    if node.value.func.id not in local_env_helpers(ctx):
        return
    read = env_read(node.value, ctx)
    if read is None or read[0].upper() not in {"DEBUG", "FLASK_DEBUG", "APP_DEBUG", "DJANGO_DEBUG"}:
        return
    ctx.examine(RULE)
    default = read[1]
    if default is not None and ((pyast.const_str(default) or "").lower() in TRUTHY or _is_true(default)):
        yield RULE.hit(node, f"`{read[0]}` defaults to on when the variable is missing ({node.value.func.id}() of this settings file)")
