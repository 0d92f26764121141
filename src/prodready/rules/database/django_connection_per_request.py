"""Django opens a new database connection for every request

## What it does
Flags a PostgreSQL or MySQL entry of Django's `DATABASES` that leaves `CONN_MAX_AGE` at its
default of 0 (absent, `0`, or read from the environment with a default of `"0"`).

## Why it matters in production
With `CONN_MAX_AGE = 0` Django closes the connection at the end of every request and opens a new
one for the next: a TCP handshake, often TLS, and authentication on every request. That adds
latency to each request, and under load the connect storm itself becomes the database's work
(PostgreSQL forks a backend per connection). Persistent connections, with `CONN_HEALTH_CHECKS`
so a dropped one is replaced, remove it.

## Example
```python
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["DB_NAME"],
    }
}
```

## Use instead
```python
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["DB_NAME"],
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
}
```

## Known limitations
A pooler in front of the database (PgBouncer) makes new connections cheap; suppress with that
reason. Settings assembled by helpers (dj-database-url's `conn_max_age=`) are read only as a call
argument.

## References
- https://docs.djangoproject.com/en/stable/ref/databases/#persistent-connections
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules import _django as django
from prodready.rules._pyutil import env_read
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-DB-009",
    name="django-connection-per-request",
    category=Category.DATABASE,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix='Set "CONN_MAX_AGE" (60 seconds or more) with "CONN_HEALTH_CHECKS": True, or put a pooler in front of the database.',
    references=("https://docs.djangoproject.com/en/stable/ref/databases/#persistent-connections",),
)


def _zero(value: ast.expr, ctx: PyContext) -> bool:
    """0, "0", or an environment read (possibly converted: int(os.getenv(...)), envint(...)) defaulting to 0."""
    if isinstance(value, ast.Constant):
        return value.value in (0, "0")
    if isinstance(value, ast.Call):
        read = env_read(value, ctx)
        if read is None and value.args and isinstance(value.args[0], ast.Call):
            read = env_read(value.args[0], ctx)  # int(os.getenv("CONN_MAX_AGE", "0"))
        if read is None and isinstance(value.func, ast.Name) and len(value.args) >= 2:
            default = value.args[1]  # a settings helper: envint("DB_CONN_MAX_AGE", "0")
            return isinstance(default, ast.Constant) and default.value in (0, "0")
        if read is not None:
            return read[1] is not None and isinstance(read[1], ast.Constant) and read[1].value in (0, "0")
    return False


@RULE.on_python(ast.Module, skip_file=django.no_databases)
def check(node: ast.Module, ctx: PyContext) -> Iterator[Hit]:
    if django.no_databases(ctx):
        return
    for database in django.network_databases(ctx):
        ctx.examine(RULE)
        setting = database.key("CONN_MAX_AGE")
        if setting is None:
            if None in database.entry.keys:
                continue  # **base: CONN_MAX_AGE may come from the merged dict
            yield Hit(line=database.assigned_at, message=f"{database.engine} database without CONN_MAX_AGE: Django opens a new "
                      "connection (TCP, TLS, auth) for every request and closes it after")
        elif _zero(setting[1], ctx):
            yield Hit(line=setting[0].lineno, message="CONN_MAX_AGE defaults to 0: Django opens a new database connection for "
                      "every request and closes it after")



