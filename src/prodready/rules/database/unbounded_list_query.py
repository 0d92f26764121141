"""Whole table read in a request path, with no limit or pagination

## What it does
Flags queries that read every row of a table — `Model.query.all()` (Flask-SQLAlchemy),
`session.query(Model).all()`, Tortoise `await Model.all()` — with no `filter`/`where`, `limit`
or pagination in the chain, inside a route handler or a data-access function named for listing
(`get_all`, `list_*`, `all_*`).

## Why it matters in production
The response grows with the table. What returns ten rows in development returns a hundred
thousand a year later: the query, the ORM objects and the serialised JSON are all built in memory
for one request, latency climbs for everyone, and a few concurrent calls can exhaust the worker's
memory.

## Example
```python
@app.get("/api/tags")
def get_tags():
    return jsonify([t.name for t in Tag.query.all()])
```

## Use instead
```python
@app.get("/api/tags")
def get_tags():
    page = Tag.query.order_by(Tag.name).paginate(per_page=100, max_per_page=100)
    return jsonify([t.name for t in page.items])
```

## Known limitations
Relationship collections (`article.comments`) and queries built in other functions are not
followed; Django querysets are not judged (DRF pagination is configured globally).

## References
- https://flask-sqlalchemy.readthedocs.io/en/stable/pagination/
- https://use-the-index-luke.com/no-offset
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta
from prodready.rules.input_validation._taint import is_route_handler

RULE = RuleMeta(
    id="PR-DB-004",
    name="unbounded-list-query",
    category=Category.DATABASE,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Paginate (limit + offset/keyset) with a maximum page size, or filter the query to what the request needs.",
    references=("https://flask-sqlalchemy.readthedocs.io/en/stable/pagination/",),
)

BOUNDING = frozenset(
    {"filter", "filter_by", "where", "limit", "paginate", "offset", "slice", "first", "one", "get", "exclude",
     "join", "having", "in_bulk", "limit_offset"}
)
LISTING_FUNCTION = lazy_compile(r"(?i)^(get_all\w*|list\w*|all_\w+|fetch_all\w*|read_all\w*|get_\w+_list)$")
# Enumeration tables stay small by design: reading them whole is fine.
LOOKUP_TABLE = lazy_compile(
    r"(Type|Types|Severity|Severities|Priority|Priorities|Status|Statuses|Kind|Role|Roles|Plugin|Plugins|Setting|"
    r"Settings|Config|Category|Categories|Country|Countries|Currency|Currencies|Language|Languages|Permission|"
    r"Permissions)$"
)
ORM_MODULES = ("sqlalchemy", "flask_sqlalchemy", "tortoise", "sqlmodel")


@RULE.on_python(ast.Call, calls=["all"], skip_file=in_test_file)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or node.args or not isinstance(node.func, ast.Attribute):
        return
    if not (
        ctx.imports_module(*ORM_MODULES)
        or _flask_sqlalchemy_style(node)
        or any("model" in value.lower() or "tortoise" in value for value in ctx.imports.values())
    ):
        return
    chain = _chain(node.func.value)
    if not chain:
        return
    names = [name for name, _call in chain]
    if any(name in BOUNDING for name in names):
        return
    root = chain[-1]
    if root[1] is None and root[0] == "query":
        return  # `query.all()` on a query built (and probably filtered) in an earlier statement
    whole_table = (
        "query" in names  # Model.query.all() / session.query(Model).all()
        or (len(chain) == 1 and root[1] is None and root[0][:1].isupper())  # Tortoise Model.all()
    )
    if not whole_table or LOOKUP_TABLE.search(_model_name(chain)):
        return
    func = pyast.enclosing_function(node)
    if func is None or not (is_route_handler(func) or LISTING_FUNCTION.match(func.name)):
        return
    ctx.examine(RULE)
    text = ast.unparse(node)
    yield RULE.hit(
        node,
        f"`{text[:60]}` in {func.name}() reads every row of the table: no limit or pagination",
        anchor=func.name,
    )


def _chain(node: ast.AST) -> list[tuple[str, ast.Call | None]]:
    """Names from the receiver of `.all()` back to the root: `Tag.query` -> [("query", None), ("Tag", None)]."""
    out: list[tuple[str, ast.Call | None]] = []
    current: ast.AST = node
    for _ in range(12):
        if isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
            out.append((current.func.attr, current))
            current = current.func.value
        elif isinstance(current, ast.Call) and isinstance(current.func, ast.Name):
            out.append((current.func.id, current))
            return out
        elif isinstance(current, ast.Attribute):
            out.append((current.attr, None))
            current = current.value
        elif isinstance(current, ast.Name):
            out.append((current.id, None))
            return out
        else:
            return []
    return []


def _flask_sqlalchemy_style(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Attribute) and (
        node.func.value.attr == "query"
    )


def _model_name(chain: list[tuple[str, ast.Call | None]]) -> str:
    """`Tag` of `Tag.query.all()`, `User` of `session.query(User).all()`, `TextSummary` of `TextSummary.all()`."""
    for name, call in chain:
        if name == "query" and call is not None and call.args:
            return pyast.dotted(call.args[0]) or ""
    return chain[-1][0]
