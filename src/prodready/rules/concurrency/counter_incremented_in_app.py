"""Stored counter incremented in application code (lost updates)

## What it does
Flags a counter column of a loaded record changed in application code and saved back —
`topic.views += 1` followed by `db.session.commit()`, `post.likes += 1; await post.save()` — instead
of letting the database do the arithmetic.

## Why it matters in production
Two requests read the same value, both add one and both write it back: one increment is lost.
Under load (a popular page, a burst of logins) view counts, post counts, stock levels and failed
login counters drift, and a lockout that counts attempts this way can be raced past by sending
guesses in parallel.

## Example
```python
topic.views += 1
db.session.commit()
```

## Use instead
```python
db.session.execute(update(Topic).where(Topic.id == topic.id).values(views=Topic.views + 1))
db.session.commit()
```
(Django: `F("views") + 1`; MongoDB: `$inc`; SQL: `UPDATE ... SET views = views + 1`.)

## Known limitations
Only `+=`/`-=` of a literal on an attribute of a local record, in a function that saves
(`commit()`, `save()`), is read; counters on `self` are in-memory and not judged.

## References
- https://docs.sqlalchemy.org/en/20/core/dml.html#sqlalchemy.sql.expression.update
- https://docs.djangoproject.com/en/stable/ref/models/expressions/#avoiding-race-conditions-using-f
- https://www.mongodb.com/docs/manual/reference/operator/update/inc/
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import descendants, field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules._pyutil import imports_any, in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-008",
    name="counter-incremented-in-app",
    category=Category.CONCURRENCY,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Increment in the database (UPDATE ... SET n = n + 1, F('n') + 1, $inc) instead of read-modify-write.",
    references=("https://docs.djangoproject.com/en/stable/ref/models/expressions/#avoiding-race-conditions-using-f",),
)

ORMS = ("sqlalchemy", "flask_sqlalchemy", "sqlmodel", "django", "tortoise", "peewee", "mongoengine", "pony")
SAVERS = {"commit", "save", "flush", "save_all"}


@once_per_file
def _skip_python(ctx: PyContext) -> bool:
    return in_test_file(ctx) or "+= 1" not in ctx.text and "-= 1" not in ctx.text


def _saves(func: ast.AST) -> bool:
    """The function saves, or loads the record from the ORM session (the request's commit writes it)."""
    for call in ast.walk(func):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        if call.func.attr in SAVERS:
            return True
        owner = pyast.dotted(call.func.value) or ""
        if owner.endswith(("db.session", "session", ".query", ".objects")) and call.func.attr in LOADERS:
            return True
    return False


def _locked(func: ast.AST) -> bool:
    """The row was read with a lock (`with_for_update()`, `select_for_update()`): no lost update."""
    return any(
        isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
        and call.func.attr in {"with_for_update", "select_for_update", "with_lockmode"}
        for call in ast.walk(func)
    )


LOADERS = {"get", "execute", "scalar", "scalars", "filter", "filter_by", "first", "one", "get_or_404", "first_or_404"}


def _previous_is_counter(node: ast.AugAssign) -> bool:
    """`user.post_count += 1; topic.post_count += 1`: one defect, reported at its first line."""
    parent = pyast.parent(node)
    body: list[ast.stmt] = next((getattr(parent, f) for f in ("body", "orelse", "finalbody") if node in getattr(parent, f, [])), [])
    index = body.index(node) if node in body else 0
    previous = body[index - 1] if index > 0 else None
    return isinstance(previous, ast.AugAssign) and isinstance(previous.target, ast.Attribute) and isinstance(previous.value, ast.Constant)


@RULE.on_python(ast.AugAssign, skip_file=_skip_python)
def check_python(node: ast.AugAssign, ctx: PyContext) -> Iterator[Hit]:
    if _skip_python(ctx) or not isinstance(node.op, ast.Add | ast.Sub) or not isinstance(node.value, ast.Constant):
        return
    target = node.target
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)) or target.value.id in {"self", "cls"}:
        return
    if not (imports_any(ctx, ORMS) or "db.session" in ctx.text):
        return
    func = pyast.enclosing_function(node)
    if func is None or not _saves(func) or _previous_is_counter(node) or _locked(func):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f"`{ast.unparse(target)}` is read, changed in Python and written back: concurrent requests lose updates")


@once_per_file
def _skip_js(ctx: TreeContext) -> object:
    return ctx.is_test_file or ".save(" not in ctx.text or not any(op in ctx.text for op in ("+= 1", "++", "-= 1", "--"))


@RULE.on_tree("augmented_assignment_expression", "update_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_skip_js)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`post.likes += 1; await post.save()` (mongoose / sequelize documents)."""
    if _skip_js(ctx):
        return
    target = field(node, "left") if node.type == "augmented_assignment_expression" else field(node, "argument")
    if target is None or target.type != "member_expression":
        return
    owner = field(target, "object")
    if owner is None or owner.type != "identifier" or text(owner) in {"this", "state", "stats", "counters", "metrics"}:
        return
    if node.type == "augmented_assignment_expression":
        operator = node.child_by_field_name("operator")
        right = field(node, "right")
        if operator is None or text(operator) not in {"+=", "-="} or right is None or right.type != "number":
            return
    func = js.enclosing_function(node)
    if func is None or not any(js.callee(call) == f"{text(owner)}.save" for call in descendants(func, "call_expression")):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f"`{text(target)}` is read, changed in JavaScript and saved back: concurrent requests lose updates")
