"""A database query per element of a list (N+1 queries)

## What it does
Flags a loop over rows (or any collection) whose body runs a database query for each element:
gorm `tx.Model(&row).Related(...)`/`First`/`Find`/`Count`, `database/sql` `QueryRowContext`,
a data-access helper called with the transaction (`findDialByID(ctx, tx, id)`); in Python
`session.query(...)`, `Model.query...`, `session.execute/scalar(...)`; in JavaScript an awaited
`Model.findOne/findById/count...` or Prisma `findUnique/findFirst/count` inside a `for` loop.
The first query of each loop is reported.

## Why it matters in production
One list request becomes 1 + N round trips: a page of 100 rows runs 101 (or 301) queries. Fine
with ten rows in development, it dominates latency and database load as the data grows, and the
connection is held for the whole loop.

## Example
```go
for i := range articles {
    tx.Model(&articles[i]).Related(&articles[i].Author, "Author")
}
```

## Use instead
```go
err := db.Preload("Author").Offset(offset).Limit(limit).Find(&articles).Error  // 2 queries in all
```

## Known limitations
Queries made inside a function that the loop calls (other than data-access helpers taking the
transaction) and lazy-loaded ORM relationships are not seen. Loops in scripts, migrations and
tests are skipped.

## References
- https://gorm.io/docs/preload.html
- https://docs.sqlalchemy.org/en/20/orm/queryguide/relationships.html#selectin-eager-loading
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-DB-005",
    name="query-in-loop",
    category=Category.DATABASE,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Load the related rows in one query (a join, IN (...), Preload/selectinload/populate) before the loop.",
    references=("https://gorm.io/docs/preload.html",),
)

MESSAGE = "a query per element of the loop (N+1): one request runs 1 + N round trips to the database"

# ---------------------------------------------------------------- Go

GO_QUERY = lazy_compile(
    r"\b(?:tx|db|DB|\w+\.db|\w+\.DB|\w+DB|conn)\b(?:\.Model\([^)]*\)|\.Where\([^\n]*?\)|\.Preload\([^)]*\)|\.Table\([^)]*\))*"
    r"\.(?:Related|First|Find|Take|Last|Count|QueryRowContext|QueryRow|QueryContext|Query|GetContext|SelectContext|Association)\("
    r"|\b(?:find|get|load|fetch|attach)\w*\(\s*ctx\s*,\s*tx\b"
    # a write per element outside any transaction: N round trips, and a failure leaves half of them
    r"|\b(?:\w+\.)?(?:pool|db|DB|conn)\.(?:Exec|ExecContext)\("
)


# Every GO_QUERY match holds one of these: its branches end in `.Method(`, hold `ctx`, or `.Exec`
GO_QUERY_TEXTS = (
    ".Related(", ".First(", ".Find(", ".Take(", ".Last(", ".Count(", ".Query", ".GetContext(", ".SelectContext(",
    ".Association(", "ctx", ".Exec",
)


def _over_result_rows(node: Any) -> bool:
    """`for rows.Next() {`: a loop over a result set, which also holds its connection meanwhile."""
    condition = next((c for c in node.named_children if c.type == "call_expression"), None)
    if condition is None:
        return False
    arguments = field(condition, "arguments")
    return go.callee(condition).endswith(".Next") and arguments is not None and not arguments.named_children


@RULE.on_tree("for_statement", languages=(Language.GO,), skip_file=in_test_code)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if in_test_code(ctx) or "/migrations/" in f"/{ctx.path}" or "/seed" in ctx.path:
        return
    clause = next((c for c in node.named_children if c.type == "range_clause"), None)
    if clause is None:
        if not _over_result_rows(node):
            return  # counted loops are retries and pagination more often than rows
    else:
        ranged = field(clause, "right")
        if ranged is None or ranged.type not in {"identifier", "selector_expression"}:
            return
    body = field(node, "body")
    if body is None:
        return
    source = text(body)
    if not any(word in source for word in GO_QUERY_TEXTS):
        return  # GO_QUERY cannot match (its \w+-led branches are tried at every position of the body)
    match = GO_QUERY.search(source)
    if match is None:
        return
    ctx.examine(RULE)
    if re.search(r"\bgo\s+func|\.Go\(func", source):
        return  # queries fanned out to goroutines are a different trade-off (CC-203 judges the fan-out)
    line = body.start_point[0] + source[: match.start()].count("\n") + 1
    yield Hit(line=line, message=MESSAGE)


# ---------------------------------------------------------------- Python

BATCHED = lazy_compile(r"(?i)(batch|chunk|page|slice)")
PY_SESSION_QUERY = frozenset({"query", "execute", "scalar", "scalars", "get", "exec"})


def _py_query_call(node: ast.Call) -> bool:
    func = node.func
    if not isinstance(func, ast.Attribute):
        return False
    receiver = ast.unparse(func.value)
    if func.attr in PY_SESSION_QUERY and re.search(r"(^|\.)(session|db_session|db\.session|Session)$", receiver):
        if func.attr == "get" and (receiver.endswith("request.session") or _http_get(node)):
            return False  # request.session.get(...) / requests.Session().get(url, params=..., timeout=...)
        return True
    # Flask-SQLAlchemy: Model.query.filter_by(...).first()/count()/all()
    return func.attr in {"first", "all", "count", "one", "one_or_none", "scalar"} and ".query" in receiver and receiver[:1].isupper()


HTTP_KEYWORDS = frozenset({"params", "timeout", "headers", "json", "data", "verify", "auth", "cookies", "allow_redirects", "stream"})


def _http_get(node: ast.Call) -> bool:
    """`session.get(url, params=..., timeout=...)`: an HTTP session, not `session.get(Model, pk)`."""
    if any(k.arg in HTTP_KEYWORDS for k in node.keywords):
        return True
    first = node.args[0] if node.args else None
    if isinstance(first, ast.Constant | ast.JoinedStr):
        return True
    return isinstance(first, ast.Name) and bool(re.search(r"(?i)url|endpoint|path", first.id))


@RULE.on_python(ast.For, ast.AsyncFor)
def check_python(node: ast.For | ast.AsyncFor, ctx: PyContext) -> Iterator[Hit]:
    if is_script_like(ctx) or "/migrations/" in f"/{ctx.path}" or "alembic" in ctx.path:
        return
    if isinstance(node.iter, ast.Call) and isinstance(node.iter.func, ast.Name) and node.iter.func.id in {"range", "enumerate"} and not node.iter.args:
        return
    if BATCHED.search(ast.unparse(node.iter)) or BATCHED.search(ast.unparse(node.target)):
        return  # `for batch in chunks(rows, 500)`: one statement per batch is the fix for N+1, not N+1
    for statement in node.body:
        for inner in ast.walk(statement):
            if isinstance(inner, ast.Call) and _py_query_call(inner):
                ctx.examine(RULE)
                yield RULE.hit(inner, MESSAGE)
                return


# ---------------------------------------------------------------- JavaScript / TypeScript

JS_QUERY = lazy_compile(
    r"await\s+(?:[A-Z]\w*|prisma\.\w+|this\.\w*(?:[Rr]epo\w*|[Mm]odel))\s*\.\s*"
    r"(?:findOne|findById|findUnique|findFirst|findByPk|count|countDocuments|find|findAll|findMany)\s*\("
)


@RULE.on_tree(
    "for_in_statement",
    "for_statement",
    languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
    skip_file=lambda ctx: "await" not in ctx.text or not js.is_server_file(ctx),
)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if not js.is_server_file(ctx):
        return
    body = field(node, "body")
    if body is None:
        return
    source = text(body)
    match = JS_QUERY.search(source)
    if match is None:
        return
    ctx.examine(RULE)
    line = body.start_point[0] + source[: match.start()].count("\n") + 1
    yield Hit(line=line, message=MESSAGE)
