"""Background task enqueued before the database write it depends on is committed

## What it does
In a Python function that writes rows through SQLAlchemy (`session.add(...)`,
`db.execute(insert(...))` or an `INSERT`/`UPDATE` statement, `flush()`), flags a Celery/RQ/Dramatiq
enqueue — `task.delay(...)`, `task.apply_async(...)`, `send_task(...)`, `queue.enqueue(...)`,
`actor.send(...)` — made after the write but before any `commit()` in that function (or with no
commit there at all, so the session dependency commits after the handler returns).

## Why it matters in production
The worker can pick the job up within milliseconds, before the request's transaction commits. It
then looks up a row that does not exist yet (or reads its old state), fails or does nothing, and
the job is lost; if the request's commit fails instead, the job runs for a row that never
existed. It works on a developer laptop and fails under load, when queues are fast and
transactions slow.

## Example
```python
row = await db.execute(text("INSERT INTO documents (...) VALUES (...) RETURNING id"), values)
ingest_document.delay(row.scalar_one())
```

## Use instead
```python
row = await db.execute(text("INSERT INTO documents (...) VALUES (...) RETURNING id"), values)
document_id = row.scalar_one()
await db.commit()
ingest_document.delay(document_id)
```
(or enqueue from an after-commit hook / a transactional outbox).

## Known limitations
Django (autocommit by default) is not judged; a commit made by a helper the function calls is not
seen.

## References
- https://docs.celeryq.dev/en/stable/userguide/tasks.html#database-transactions
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-006",
    name="task-enqueued-before-commit",
    category=Category.CONCURRENCY,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Commit first, then enqueue (or enqueue from an after-commit hook / transactional outbox).",
    references=("https://docs.celeryq.dev/en/stable/userguide/tasks.html#database-transactions",),
)

ENQUEUE = frozenset({"delay", "apply_async", "send_task", "enqueue", "enqueue_call"})
WRITE_SQL = lazy_compile(r"(?i)^\s*(insert|update)\b")


@once_per_file
def _skip(ctx: PyContext) -> object:
    text = ctx.text
    return ctx.is_test_file or not any(word in text for word in ENQUEUE) or "sqlalchemy" not in text and "session" not in text


def _is_write(call: ast.Call) -> bool:
    if not isinstance(call.func, ast.Attribute):
        return False
    method = call.func.attr
    if method in {"add", "add_all", "flush", "merge"}:
        receiver = (pyast.dotted(call.func.value) or "").lower()
        return receiver.endswith(("session", "db", "sess")) or receiver.startswith(("session", "db."))
    if method == "execute" and call.args:
        statement = call.args[0]
        if isinstance(statement, ast.Call):
            callee = (pyast.dotted(statement.func) or "").split(".")[-1]
            if callee in {"insert", "update"}:
                return True
            if callee == "text" and statement.args:
                return bool(WRITE_SQL.match(pyast.const_str(statement.args[0]) or ""))
        return bool(WRITE_SQL.match(pyast.const_str(statement) or ""))
    return False


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=_skip)
def check(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if _skip(ctx) or not ctx.imports_module("sqlalchemy", "sqlmodel", "flask_sqlalchemy"):
        return
    calls = sorted((n for n in pyast.walk_shallow(func) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset))
    written_at: int | None = None
    for call in calls:
        if written_at is None and _is_write(call):
            written_at = call.lineno
            continue
        if written_at is None or not isinstance(call.func, ast.Attribute):
            continue
        if call.func.attr == "commit":
            return  # committed before anything was enqueued
        if call.func.attr in ENQUEUE:
            ctx.examine(RULE)
            yield RULE.hit(
                call,
                f"`{ast.unparse(call.func)}` is enqueued after the write on line {written_at} but before it is committed: "
                "the worker can run before the row exists",
            )
            return
