"""Schema migrations run by the application as it starts, in every worker (Python)

## What it does
Flags Alembic or Flask-Migrate `upgrade(...)` called from the application's start-up: the app
factory (`create_app`), a FastAPI `lifespan` or startup handler, or a function of the same module
that one of them calls (`create_app()` → `setup_database()` → `upgrade()`).

## Why it matters in production
The app factory and the startup hooks run once per worker process: four gunicorn workers on each
of three replicas start twelve migrations at once. Alembic takes no lock, so two of them apply the
same revision together and one crashes on "relation already exists" (or both half-apply it), a
failed migration becomes a crash-looping fleet instead of one failed job, and a slow one delays every
worker past its health-check deadline.

## Example
```python
def create_app():
    app = Flask(__name__)
    db.init_app(app)
    with app.app_context():
        upgrade()          # flask_migrate: every worker, every start
    return app
```

## Use instead
Run `flask db upgrade` / `alembic upgrade head` once per release, before the new version rolls
out (a Kubernetes Job or Helm hook, a one-shot compose service, the platform's release phase), and
let the app only check that the schema is current.

## Known limitations
A start-up that reaches the migration through another module (`lifespan` → `init_db.main()`) is
not followed.

## References
- https://alembic.sqlalchemy.org/en/latest/cookbook.html#run-alembic-operation-objects-directly-as-in-from-outside-migration-scripts
- https://flask-migrate.readthedocs.io/en/latest/
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-DB-302",
    name="migrations-at-container-start",
    aliases=("PR-DB-304",),
    category=Category.DATABASE,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Run migrations once per release (a Job, a one-shot service, a release phase), not in the app's start-up.",
    references=("https://flask-migrate.readthedocs.io/en/latest/",),
)

STARTUP = re.compile(r"(?i)^(create_app|make_app|app_factory|get_app|lifespan\w*|\w*_lifespan|on_startup|startup\w*|\w*_startup|init_app)$")
# the migration runners: flask_migrate.upgrade(), alembic.command.upgrade(cfg, "head")
RUNNERS = frozenset({"flask_migrate.upgrade", "alembic.command.upgrade"})


def _skip(ctx: PyContext) -> bool:
    return is_script_like(ctx) or "upgrade" not in ctx.text or ("flask_migrate" not in ctx.text and "alembic" not in ctx.text)


def _is_runner(call: ast.Call, ctx: PyContext) -> bool:
    return ctx.call_name(call) in RUNNERS


def _startup_hook(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if STARTUP.match(func.name):
        return True
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        label = pyast.dotted(target) or ""
        if label.endswith(("before_first_request", "on_event")) and (
            not isinstance(decorator, ast.Call) or any(pyast.const_str(a) == "startup" for a in decorator.args)
        ):
            return True
    return False


@RULE.on_python(ast.Module, skip_file=_skip)
def check(node: ast.Module, ctx: PyContext) -> Iterator[Hit]:
    if _skip(ctx):
        return
    functions = {f.name: f for f in ast.walk(node) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    hooks = [f for f in functions.values() if _startup_hook(f)]
    if not hooks:
        return
    ctx.examine(RULE)
    # the hooks, and the functions of this module they call (one level: create_app -> setup_database)
    reached: dict[str, str] = {f.name: f.name for f in hooks}
    for hook in hooks:
        for call in ast.walk(hook):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in functions:
                reached.setdefault(call.func.id, hook.name)
    for name, caller in reached.items():
        for call in ast.walk(functions[name]):
            if isinstance(call, ast.Call) and _is_runner(call, ctx):
                via = f"{caller}()" if caller == name else f"{caller}() through {name}()"
                yield RULE.hit(
                    call,
                    f"schema migration run in the app's start-up ({via}): every worker of every replica runs it "
                    "as it starts, concurrently and without a lock",
                )
                return
