"""Whole table read in a request path, with no limit or pagination

## What it does
Flags queries that read every row of a table — `Model.query.all()` (Flask-SQLAlchemy),
`session.query(Model).all()`, Tortoise `await Model.all()` — with no `filter`/`where`, `limit`
or pagination in the chain, inside a route handler or a data-access function named for listing
(`get_all`, `list_*`, `all_*`). In Go, a gorm `db.Find(&rows)` into a slice with no `Where`,
`Limit` or scope, and a `Find(...).Offset(...).Limit(...)` chain, where the page is applied after
the query has already read every row. In JavaScript, Mongoose `Model.find()`/`find({})`,
Prisma `findMany()` without `take` and Sequelize `findAll()` without `limit`, inside an Express
handler `(req, res)` or a listing function, with no `.limit()` in the chain.

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
- https://gorm.io/docs/query.html#Limit-amp-Offset
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prodready.engine.context import ProjectContext, PyContext, TreeContext
from prodready.engine.safeio import read_head
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta
from prodready.rules.input_validation._taint import is_route_handler

RULE = RuleMeta(
    # an unpaginated list grows with its table (the rule was PR-DB-004, a database rule)
    id="PR-UG-008",
    name="unbounded-list-query",
    aliases=("PR-DB-004",),
    category=Category.UNBOUNDED_GROWTH,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT}),
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
    if "group_by" in names or "distinct" in names and "count" in ast.unparse(node).lower():
        return  # one row per group (counts per series): as many rows as groups, not as the table
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


# ---------------------------------------------------------------- Go (gorm)

GORM_NARROWING = lazy_compile(r"\.(Where|Limit|Offset|Scopes|Joins|Raw|Not|Or|Having|Related|Association|First|Take|Last)\(")


def _go_slice_declared(function: Any, name: str) -> str | None:
    """The element type when `name` is a slice in the function (`var rows []Tag`, `rows := []Tag{}`)."""
    found = re.search(rf"(?:\b{re.escape(name)}\s+|{re.escape(name)}\s*:?=\s*(?:make\()?)\[\]\*?([\w.]+)", text(function))
    return found.group(1) if found else None


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c.endswith(".Find"), skip_file=in_test_code)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    args = go.call_args(node)
    if not name.endswith(".Find") or len(args) != 1 or args[0].type != "unary_expression" or in_test_code(ctx):
        return
    if not any("gorm" in module for module in ctx.imports.values()) and "gorm" not in text(ctx.root)[:3000]:
        return
    target = text(args[0]).lstrip("&")
    function = go.enclosing_function(node)
    element = _go_slice_declared(function, target) if function is not None else None
    if element is None or LOOKUP_TABLE.search(element.split(".")[-1].removesuffix("Model")):
        return
    ctx.examine(RULE)
    parent = node.parent
    after = text(field(parent, "field")) if parent is not None and parent.type == "selector_expression" else ""
    if after in {"Offset", "Limit"}:
        yield RULE.hit(node, f"`{name}` runs before .{after}(): the page is applied after every row has been read")
        return
    if GORM_NARROWING.search(name):
        return
    yield RULE.hit(node, f"`{name}(&{target})` reads every {element} row: no limit or pagination")


GO_LISTING_FUNCTION = lazy_compile(r"^(Fetch\w*|GetAll\w*|List\w*|FindAll\w*|All\w*|Get\w+s)$")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c.endswith(".Find"), skip_file=in_test_code)
def check_go_mongo(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """mongo-driver `collection.Find(ctx, filter)` with no `options.Find().SetLimit(...)`, in a listing function."""
    name = go.callee(node)
    args = go.call_args(node)
    if not name.endswith(".Find") or len(args) != 2 or in_test_code(ctx):
        return
    if not any("mongo-driver" in module or "mongo" in module.rsplit("/", 1)[-1] for module in ctx.imports.values()):
        return
    if not re.search(r"(?i)(coll|collection)\w*$", name.rsplit(".", 1)[0]) or not re.search(r"(?i)^(c|ctx|\w*context\w*)$", text(args[0])):
        return
    function = go.enclosing_function(node)
    if function is None or not GO_LISTING_FUNCTION.match(go.function_name(function)):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f"`{name}(...)` with no options.Find().SetLimit: {go.function_name(function)} returns every "
                         "matching document, however many there are")


# ---------------------------------------------------------------- JavaScript / TypeScript

JS_LISTING_FUNCTION = lazy_compile(r"^(getAll\w*|list\w*|findAll\w*|fetchAll\w*|all[A-Z]\w*|get\w+s)$")
JS_PAGED = lazy_compile(r"\.(limit|skip|paginate|cursor|batchSize)\(")


def _js_in_listing_code(call: Any) -> bool:
    from prodready.rules.error_handling._js_errors import param_names

    function = js.enclosing_function(call)
    if function is None:
        return False
    names = param_names(function)
    return (len(names) >= 2 and names[0] in {"req", "request", "ctx"} and names[1] in {"res", "response", "reply", "next"}) or bool(
        JS_LISTING_FUNCTION.match(js.function_name(function))
    )


@RULE.on_tree(
    "call_expression",
    languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
    callee=lambda c: c.endswith((".find", ".findMany", ".findAll")),
)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = js.callee(node)
    receiver, _, method = name.rpartition(".")
    if method not in {"find", "findMany", "findAll"}:
        return  # the handler's own test, not only the engine's callee filter
    model = receiver.rpartition(".")[2]
    if not model[:1].isupper() and receiver.rpartition(".")[0] not in {"prisma", "db", "this.prisma", "ctx.prisma"}:
        return  # Mongoose/Sequelize models are capitalised; Prisma delegates hang off the client
    if LOOKUP_TABLE.search(model.capitalize() if model.islower() else model) or not js.is_server_file(ctx):
        return
    arguments = js.args(node)
    options = arguments[0] if arguments else None
    if method == "find" and options is not None and text(options).replace(" ", "") not in {"{}", ""}:
        return  # a filtered find
    if method == "findMany" and options is not None and (js.object_has_key(options, "take") or js.object_has_key(options, "where")):
        return
    if method == "findAll" and options is not None and (js.object_has_key(options, "limit") or js.object_has_key(options, "where")):
        return
    chain = node
    while chain.parent is not None and chain.parent.type in {"member_expression", "call_expression", "await_expression"}:
        chain = chain.parent
    if JS_PAGED.search(text(chain)[len(text(node)):]) or not _js_in_listing_code(node):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f"`{text(node)[:60]}` reads every {model} record: no limit or pagination")


# Django class-based list views: a ListView renders every row unless it sets paginate_by; a DRF list
# endpoint returns every row unless the view or REST_FRAMEWORK names a pagination class.
DJANGO_CLASS = lazy_compile(r"^class\s+(?P<name>\w+)\s*\((?P<bases>[^)]*)\)\s*:", re.MULTILINE)
HTML_LIST_VIEW = lazy_compile(r"(^|[\s,.])ListView\b")
API_LIST_VIEW = lazy_compile(r"(^|[\s,.])(ListAPIView|ListCreateAPIView|ModelViewSet|ReadOnlyModelViewSet)\b")


def _class_body(text: str, start: int) -> str:
    """The indented lines after a `class ...:` header."""
    lines = []
    for line in text[start:].splitlines()[1:]:
        if line.strip() and not line[0].isspace():
            break
        lines.append(line)
    return "\n".join(lines)


@RULE.on_project
def check_django_list_views(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    tests = set(model.test_files)
    views = [p for p in model.source_files if p.endswith(".py") and p not in tests and "view" in p.rsplit("/", 1)[-1].lower()
             or p.endswith(("/api.py", "/viewsets.py"))]
    if not views or not model.has_dependency("django"):
        return
    settings = [p for p in model.source_files if p.endswith(".py") and "settings" in p]
    paged_by_default = any("DEFAULT_PAGINATION_CLASS" in read_head(str(Path(model.root) / p), 400_000).decode("utf-8", "replace")
                           for p in settings)
    for path in views:
        text_of = read_head(str(Path(model.root) / path), 400_000).decode("utf-8", "replace")
        if "View" not in text_of:
            continue
        for match in DJANGO_CLASS.finditer(text_of):
            bases = match.group("bases")
            html, api = HTML_LIST_VIEW.search(bases), API_LIST_VIEW.search(bases)
            if not (html or api):
                continue
            ctx.examine(RULE)
            body = _class_body(text_of, match.start())
            line = text_of.count("\n", 0, match.start()) + 1
            name = match.group("name")
            if html and not api:
                if not re.search(r"^\s+(paginate_by\s*=|def get_paginate_by\b)", body, re.MULTILINE):
                    yield Hit(line=line, path=path, message=f"{name} (ListView) has no paginate_by: the page renders every row of the table")
            elif settings and not paged_by_default and not re.search(r"^\s+pagination_class\s*=", body, re.MULTILINE) \
                    and not re.search(r"^\s+def list\(", body, re.MULTILINE):
                yield Hit(line=line, path=path, message=f"{name} lists with no pagination_class and REST_FRAMEWORK sets no "
                          "DEFAULT_PAGINATION_CLASS: the list endpoint returns every row")
