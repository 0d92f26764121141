"""Query result that may be None used without a check

## What it does
In a route handler, flags a row fetched with `.first()`, `.one_or_none()`, `.scalar_one_or_none()`
or `Model.query.get(id)` / `session.get(Model, id)` whose attribute or method is used (`row.delete()`,
`row.title`) before anything checks it (`if not row`, `if row is None`, `assert row`, `row or abort(...)`).
`first_or_404()` / `get_or_404()` are the checked forms. In JavaScript, an awaited Mongoose
`findById`/`findOne`, Prisma `findUnique`/`findFirst` or Sequelize `findByPk`/`findOne` in an
Express handler whose result's property is read before any `if (!row)` check.

## Why it matters in production
These calls return None when nothing matches — a wrong id, a deleted row, someone else's record
filtered out by an ownership condition. The handler then raises `AttributeError: 'NoneType' object
has no attribute ...`: the client gets a 500 instead of a 404/403, error trackers fill with noise,
and the actual access-control intent is invisible.

## Example
```python
article = Article.query.filter_by(slug=slug, author_id=user.id).first()
article.delete()
```

## Use instead
```python
article = Article.query.filter_by(slug=slug, author_id=user.id).first_or_404()
article.delete()
```

## Known limitations
Only the handler itself is read; checks inside helpers it calls are not followed.

## References
- https://docs.sqlalchemy.org/en/20/orm/queryguide/api.html#sqlalchemy.orm.Query.first
- https://flask-sqlalchemy.readthedocs.io/en/stable/queries/#queries-for-views
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import code_text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta
from prodready.rules.input_validation._taint import is_route_handler

RULE = RuleMeta(
    id="PR-EH-004",
    name="query-result-used-unchecked",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Check the row before using it and answer 404/403 (first_or_404(), get_or_404(), or `if row is None: abort(404)`).",
    references=("https://flask-sqlalchemy.readthedocs.io/en/stable/queries/#queries-for-views",),
)

MAYBE_NONE = frozenset({"first", "one_or_none", "scalar_one_or_none", "scalar", "get"})


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=in_test_file)
def check(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not is_route_handler(func):
        return
    for index, stmt in enumerate(func.body):
        name = _maybe_none_assignment(stmt)
        if name is None:
            continue
        ctx.examine(RULE)
        use = _first_unchecked_use(func.body[index + 1 :], name)
        if use is not None:
            yield RULE.hit(
                use,
                f"`{name}` may be None (no matching row) and is used here without a check: "
                "a missing or foreign id gives a 500 instead of a 404",
                anchor=func.name,
            )


def _maybe_none_assignment(stmt: ast.stmt) -> str | None:
    if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
        return None
    value = stmt.value
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Attribute):
        return None
    method = value.func.attr
    if method not in MAYBE_NONE:
        return None
    text = ast.unparse(value.func.value)
    if method == "get":
        # Model.query.get(id) or session.get(Model, id); never dict.get / request.args.get
        if not (text.endswith(".query") or (text.split(".")[-1] in {"session", "db", "db_session"} and len(value.args) == 2)):
            return None
    elif method in {"first", "scalar"} and not any(
        word in text for word in (".query", "query(", ".filter", "filter_by(", "select(", ".execute(", ".where(")
    ):
        return None
    return stmt.targets[0].id


def _first_unchecked_use(body: list[ast.stmt], name: str) -> ast.AST | None:
    for stmt in body:
        if _checks(stmt, name):
            return None
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
            return None  # reassigned
        for node in [stmt, *pyast.walk_shallow(stmt)]:
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name:
                return node
        if isinstance(stmt, ast.If | ast.Try | ast.With | ast.For | ast.While | ast.Return):
            if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(stmt)):
                return None  # handed on or used under a condition: not judged
    return None


def _checks(stmt: ast.stmt, name: str) -> bool:
    tests: list[ast.AST] = []
    if isinstance(stmt, ast.If | ast.While | ast.Assert):
        tests.append(stmt.test)
    elif isinstance(stmt, ast.Expr | ast.Assign):
        value = stmt.value
        if isinstance(value, ast.BoolOp):
            tests.append(value)
        if isinstance(value, ast.Call):  # abort_if_none(row), check_exists(row)
            return any(isinstance(a, ast.Name) and a.id == name for a in value.args)
    return any(isinstance(n, ast.Name) and n.id == name for t in tests for n in ast.walk(t))


# ---------------------------------------------------------------- JavaScript / TypeScript

JS_MAYBE_NULL = lazy_compile(
    r"(?:const|let|var)\s+(?P<name>\w+)\s*=\s*await\s+(?P<model>[\w.]+)\.(?:findById|findOne|findUnique|findFirst|findByPk)\s*\("
    r"(?P<args>[^;\n]{0,120})"
)
JS_HANDLERS = ("arrow_function", "function_expression", "function_declaration")


@RULE.on_tree(
    *JS_HANDLERS,
    languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
    skip_file=lambda ctx: "await" not in ctx.text or not js.is_server_file(ctx),
)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    from prodready.rules.error_handling._js_errors import param_names

    names = param_names(node)
    if len(names) < 2 or names[0] not in {"req", "request"} or names[1] not in {"res", "response"}:
        return  # an Express handler: a null row there becomes the 500 the client sees
    if not js.is_server_file(ctx):
        return
    body = code_text(node)  # a comment naming the variable is not a use or a check
    for found in JS_MAYBE_NULL.finditer(body):
        name = found.group("name")
        ctx.examine(RULE)
        if "req.user" in found.group("args") and re.search(r"(?i)user|account", found.group("model")):
            continue  # the signed-in user's own record: it exists while the session does
        use = re.compile(rf"(?<![\w.]){re.escape(name)}\b(?P<after>\s*\??\.|\s*\[)?").search(body, found.end())
        if use is None or use.group("after") is None or "?" in use.group("after"):
            continue  # first mention is a check (`if (!post)`), a return, or optional chaining
        line = node.start_point[0] + body[: use.start()].count("\n") + 1
        yield Hit(
            line=line,
            message=f"`{name}` may be null (no matching document) and is used before any check: an unknown id answers 500 instead of 404",
        )
