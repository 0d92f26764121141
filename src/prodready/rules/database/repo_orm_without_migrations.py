"""ORM models without migrations.

## What it does
Reports a project that defines ORM models (SQLAlchemy declarative classes, SQLModel tables, Django
models) but contains no migration tool or migration files (Alembic `alembic.ini`/`versions/`,
Django `migrations/`, any `migrations/` directory).

## Why it matters in production
Schemas then change by `create_all()` at start-up or by hand: columns are never altered, deploys
race against each other, and a rollback has no way back. Production and code drift apart silently.

## Example
```python
Base.metadata.create_all(engine)   # at start-up; no migrations/
```

## Use instead
```text
alembic init migrations && alembic revision --autogenerate -m "init"
```

## Known limitations
Migrations kept in a separate repository or run by another tool (Flyway, Atlas) are not seen.

## References
- https://alembic.sqlalchemy.org/en/latest/tutorial.html
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-DB-301",
    name="orm-without-migrations",
    category=Category.DATABASE,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.REPO}),
    fix="Adopt a migration tool (Alembic, Django migrations) and run migrations as a deploy step.",
    references=("https://alembic.sqlalchemy.org/en/latest/tutorial.html",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    models = model.signals("orm-models")
    if not models:
        return
    ctx.examine(RULE)
    for path in model.all_paths:
        parts = path.split("/")
        if (
            "migrations" in parts
            or "alembic" in parts
            or parts[-1] in {"alembic.ini", "atlas.hcl", "flyway.conf"}
            or "versions" in parts[:-1]
        ):
            return
    yield Hit(
        line=None,
        path=str(models[0]["file"]),
        message=f"ORM models ({models[0].get('detail')}) but no migrations",
    )
