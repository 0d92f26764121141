"""Schema built by the application itself instead of versioned migrations

## What it does
Flags application code that creates or alters the database schema as the service runs:
SQLAlchemy/SQLModel `metadata.create_all()` and Flask-SQLAlchemy `db.create_all()` outside CLI
commands, Go gorm `AutoMigrate(...)`, Sequelize `sequelize.sync()` and TypeORM
`synchronize: true`. Tests, scripts and CLI commands (`@app.cli.command`, `@click.command`,
`manage.py`) are left alone.

## Why it matters in production
These calls compare models with tables and change the schema on the fly: no reviewed migration,
no rollback, no record of what ran. `create_all` never alters an existing table, so a new column
silently never appears in production; `AutoMigrate` and `sync({alter: true})` alter tables while the
previous version still serves, and TypeORM `synchronize` drops columns it no longer knows. Every
replica does it at start, concurrently.

## Example
```python
app = FastAPI()
Base.metadata.create_all(bind=engine)
```

## Use instead
```bash
alembic revision --autogenerate -m "add orders.status"   # reviewed, versioned
alembic upgrade head                                      # once per release (a Job or a release phase)
```

## Known limitations
A `create_all` reached only from a one-off setup function that nothing at start-up calls is still
flagged when it lives in application modules.

## References
- https://alembic.sqlalchemy.org/en/latest/tutorial.html
- https://gorm.io/docs/migration.html
- https://typeorm.io/faq#how-do-i-update-a-database-schema
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_path
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-DB-303",
    name="schema-built-at-startup",
    category=Category.DATABASE,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Manage the schema with versioned migrations (Alembic, golang-migrate/goose, Sequelize/TypeORM migrations) run once per release.",
    references=("https://alembic.sqlalchemy.org/en/latest/tutorial.html",),
)

CLI_DECORATOR = lazy_compile(r"cli\.command|click\.command|\.command\(|typer|manager\.command")


@RULE.on_python(ast.Call, calls=["create_all"], skip_file=is_script_like)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or is_script_like(ctx) or not isinstance(node.func, ast.Attribute):
        return
    owner = ast.unparse(node.func.value)
    if not re.search(r"metadata$|^db$|^database$", owner):
        return
    function = pyast.enclosing_function(node)
    while function is not None:
        decorators = " ".join(ast.unparse(d) for d in function.decorator_list)
        if CLI_DECORATOR.search(decorators) or re.search(r"(?i)^(test_|seed|fixture)", function.name):
            return
        function = pyast.enclosing_function(function)
    if re.search(r"(^|/)(manage|cli|commands?|seed\w*|init_db|setup_db)\.py$", ctx.path):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f"{owner}.create_all() builds the schema from the models at run time: no versioned migrations, and existing tables are never altered")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda name: name.endswith(".AutoMigrate"), skip_file=in_test_path)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or not go.callee(node).endswith(".AutoMigrate"):
        return
    if re.search(r"(^|/)(cmd/)?(migrat\w*|seed\w*|tools?)(/|\.go$)", ctx.path):
        return  # a dedicated migrate command is how it should run
    ctx.examine(RULE)
    message = "gorm AutoMigrate alters the schema whenever the service starts: no versioned, reviewed migrations and no rollback"
    function = go.enclosing_function(node)
    name = text(field(function, "name")) if function is not None else ""
    main = re.search(r"^func main\(\)\s*\{", ctx.text, re.MULTILINE)
    if name and name != "main" and main:
        # Migrate(db) called from main: the start-up call is the line a reviewer points at
        call = re.compile(rf"\b{re.escape(name)}\(").search(ctx.text, main.end())
        if call:
            yield Hit(line=ctx.text.count("\n", 0, call.start()) + 1, message=message)
            return
    yield RULE.hit(node, message)


@RULE.on_tree("call_expression", "pair", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=js.test_or_script)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    if node.type == "pair":
        if text(field(node, "key")).strip("'\"") == "synchronize" and text(field(node, "value")) == "true":
            ctx.examine(RULE)
            yield RULE.hit(node, "TypeORM synchronize: true rewrites the schema from the entities at every start (it drops columns it no longer knows)")
        return
    name = js.callee(node)
    if name.endswith(".sync") and re.search(r"(?i)sequelize|\bdb\b|models?", name.split(".")[0]) and "sequelize" in " ".join(ctx.imports.values()).lower() + ctx.text[:2000].lower():
        ctx.examine(RULE)
        yield RULE.hit(node, f"{name}() creates/alters tables from the models at start: no versioned migrations")
