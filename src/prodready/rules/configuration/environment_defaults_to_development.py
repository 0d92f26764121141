"""Environment setting defaults to development.

## What it does
Flags the setting that names the deployment environment (`ENVIRONMENT`, `ENV`, `APP_ENV`,
`FLASK_ENV`, `STAGE`, ...) when its default is `development`/`dev`/`local`/`debug`, in a settings
class, a module constant, an `os.getenv` or `config("ENV", default=...)` default (Python), a
`process.env.APP_ENV ?? "development"` fallback (JavaScript/TypeScript, `NODE_ENV` included) or a
`getEnv("ENVIRONMENT", "development")` helper default (Go).

## Why it matters in production
Code branches on this value to pick connection pooling, cookie security, debug pages and error
detail. A deployment that forgets the variable silently runs with development behaviour — for
example a `NullPool` (no connection pooling) chosen in production.

## Example
```python
ENVIRONMENT: str = "development"
```

## Use instead
```python
ENVIRONMENT: Literal["development", "staging", "production"] = "production"   # or no default at all
```

## Known limitations
Files that are clearly development-only are skipped.

## References
- https://12factor.net/config
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import ProjectContext, PyContext, is_test_path
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-002",
    name="environment-defaults-to-development",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Default the environment to production (or require it) so a missing variable fails safe.",
    references=("https://12factor.net/config",),
)

ENV_NAMES = lazy_compile(
    r"^(ENVIRONMENT|ENV|APP_ENV|APP_ENVIRONMENT|FLASK_ENV|STAGE|DEPLOY_ENV|RUNTIME_ENV|PYTHON_ENV|environment|env|app_env|stage)$"
)
CONFIG_READERS = {"config", "env", "str", "get_env", "getenv"}
DEV_VALUES = {"development", "dev", "local", "debug", "develop"}
DEV_FILE = lazy_compile(r"(?i)(^|/)(dev|development|local|test|testing)[\w.-]*\.(py|js|ts|mjs|cjs|go)$|(^|/)(dev|local)/")
# Python is read from its syntax tree above; the other languages from the env facts (`getEnv("ENVIRONMENT",
# "development")`, `process.env.APP_ENV ?? "development"`).
FACT_FILE = lazy_compile(r"\.(js|jsx|ts|tsx|mjs|cjs|go)$")


@RULE.on_python(ast.Assign, ast.AnnAssign, skip_file=in_test_file)
def check_assign(node: ast.Assign | ast.AnnAssign, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or DEV_FILE.search(ctx.path) or pyast.enclosing_function(node) is not None:
        return
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names = [pyast.dotted(t) or "" for t in targets]
    if not any(ENV_NAMES.match(n.split(".")[-1]) for n in names):
        return
    value = node.value
    if isinstance(value, ast.Call) and (ctx.qualified(value.func) or "").endswith("Field"):
        default = pyast.keyword(value, "default")
        value = value.args[0] if value.args else (default.value if default is not None else None)
    elif isinstance(value, ast.Call) and (pyast.dotted(value.func) or "").split(".")[-1] in CONFIG_READERS:
        # starlette/decouple `config("ENVIRONMENT", default="local")`, environs `env.str("ENV", "dev")`
        default = pyast.keyword(value, "default")
        value = default.value if default is not None else (value.args[1] if len(value.args) > 1 else None)
    literal = pyast.const_str(value)
    if literal is None:
        return
    ctx.examine(RULE)
    if literal.lower() in DEV_VALUES:
        yield RULE.hit(
            node,
            f'`{names[0].split(".")[-1]}` defaults to "{literal}": a missing variable means development behaviour',
        )


@RULE.on_python(ast.Call, calls=["get", "getenv"], skip_file=in_test_file)
def check_getenv(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or DEV_FILE.search(ctx.path) or len(node.args) < 2:
        return
    if ctx.call_name(node) not in {"os.getenv", "os.environ.get", "environ.get"}:
        return
    key = pyast.const_str(node.args[0]) or ""
    if not ENV_NAMES.match(key):
        return
    ctx.examine(RULE)
    literal = pyast.const_str(node.args[1]) or ""
    if literal.lower() in DEV_VALUES:
        yield RULE.hit(node, f'`{key}` defaults to "{literal}" when unset')


@RULE.on_project
def check_env_facts(ctx: ProjectContext) -> Iterator[Hit]:
    for var in ctx.model.env_vars:
        if not (FACT_FILE.search(var.file) and (ENV_NAMES.match(var.name) or var.name == "NODE_ENV")) or DEV_FILE.search(var.file):
            continue
        if is_test_path(var.file):
            continue
        ctx.examine(RULE)
        if (var.default or "").lower() in DEV_VALUES:
            yield Hit(
                line=var.line,
                path=var.file,
                message=f'`{var.name}` defaults to "{var.default}" when unset: a deployment that forgets it runs with development behaviour',
            )
