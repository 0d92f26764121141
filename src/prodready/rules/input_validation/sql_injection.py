"""SQL built from strings and executed.

## What it does
Flags SQL executed from an f-string, `%` formatting, `.format()` or concatenation with
non-constant values: `cursor.execute(...)`, `session.execute(...)`, `conn.execute(...)`,
`text(...)`, `.raw(...)`, `executescript`, `read_sql` — directly or through a variable assigned
in the same function.

## Why it matters in production
Any value that reaches the string — a query parameter, a header, a value stored earlier — can
rewrite the query: read other users' data, drop tables, bypass login. Parameterised queries make
this impossible.

## Example
```python
conn.execute(text(f"SELECT * FROM orders WHERE customer = '{customer}'"))
```

## Use instead
```python
conn.execute(text("SELECT * FROM orders WHERE customer = :customer"), {"customer": customer})
```

## Known limitations
Identifiers interpolated from a fixed allow-list (column names) are reported; suppress with that
reason. Only constants are treated as safe.

## References
- https://owasp.org/www-community/attacks/SQL_Injection
- https://docs.sqlalchemy.org/en/20/core/tutorial.html#using-textual-sql
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-002",
    name="sql-injection",
    category=Category.INPUT_VALIDATION,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Use bound parameters (text('... :id'), cursor.execute(sql, params)); never format values into SQL.",
    references=("https://owasp.org/www-community/attacks/SQL_Injection",),
)

EXECUTORS = {
    "execute",
    "executemany",
    "executescript",
    "raw",
    "read_sql",
    "read_sql_query",
    "exec_driver_sql",
    "fetch",
    "fetchrow",
    "fetchval",
}
SQL_WORDS = lazy_compile(
    r"(?i)\b(select|insert|update|delete|drop|create|alter|truncate|merge|replace|grant)\b[\s\S]*\b(from|into|table|set|where|values|index)\b"
)


SAFE_WRAPPERS = ("quote", "escape", "ident", "identifier", "int", "len", "placeholder")


def _safe_value(node: ast.AST) -> bool:
    """Constants, UPPER_CASE constants and values passed through quote_name()/int()/len()."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name) and node.id.isupper():
        return True
    if isinstance(node, ast.Call):
        callee = (pyast.dotted(node.func) or "").split(".")[-1].lower()
        return any(word in callee for word in SAFE_WRAPPERS)
    if isinstance(node, ast.Tuple):
        return all(_safe_value(e) for e in node.elts)
    return False


def _dynamic_sql(node: ast.AST) -> bool:
    """An f-string/format/concat/% expression with non-constant parts that looks like SQL."""
    if isinstance(node, ast.JoinedStr):
        text = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        return bool(SQL_WORDS.search(text)) and any(
            isinstance(v, ast.FormattedValue) and not _safe_value(v.value) for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        text = pyast.const_str(node.left) or ""
        if isinstance(node.left, ast.BinOp):
            return _dynamic_sql(node.left)
        return bool(SQL_WORDS.search(text)) and not _safe_value(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        text = pyast.const_str(node.func.value) or ""
        return bool(SQL_WORDS.search(text)) and bool(node.args or node.keywords)
    return False


def _with_sql_prefix(fragment: ast.expr) -> ast.expr:
    """The fragment read as the tail of a statement already known to be SQL."""
    if isinstance(fragment, ast.JoinedStr):
        return ast.JoinedStr(values=[ast.Constant(value="SELECT x FROM t "), *fragment.values])
    return fragment


@RULE.on_python(
    ast.Call,
    calls=[
        "exec_driver_sql",
        "execute",
        "executemany",
        "executescript",
        "fetch",
        "fetchrow",
        "fetchval",
        "raw",
        "read_sql",
        "read_sql_query",
        "text",
    ],
    skip_file=is_script_like,
)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node) or ""
    short = name.split(".")[-1]
    if not (short in EXECUTORS and isinstance(node.func, ast.Attribute)) and name not in {
        "sqlalchemy.text",
        "sqlalchemy.sql.text",
    }:
        return
    if not node.args or is_script_like(ctx):
        return  # migrations and CLIs build DDL from their own constants
    ctx.examine(RULE)
    query = node.args[0]
    if isinstance(query, ast.Call) and (ctx.call_name(query) or "").endswith("text") and query.args:
        return  # text(...) is checked on its own
    if isinstance(query, ast.Name):
        func = pyast.enclosing_function(node)
        if func is not None:
            # `sql = "SELECT ..."; sql += f" WHERE x = '{value}'"`: a fragment of a query begun above
            sql_text = any(
                isinstance(sub, ast.Assign) and any(pyast.dotted(t) == query.id for t in sub.targets)
                and SQL_WORDS.search(pyast.const_str(sub.value) or "")
                for sub in ast.walk(func)
            )
            for sub in ast.walk(func):
                built = (
                    isinstance(sub, ast.Assign) and any(pyast.dotted(t) == query.id for t in sub.targets)
                ) or (isinstance(sub, ast.AugAssign) and pyast.dotted(sub.target) == query.id)  # sql += f"..."
                if not built:
                    continue
                value = sub.value  # type: ignore[attr-defined]
                if _dynamic_sql(value) or isinstance(sub, ast.AugAssign) and sql_text and _dynamic_sql(_with_sql_prefix(value)):
                    # anchored where the value enters the SQL text, the line a reviewer points at
                    yield RULE.hit(sub, f"{short}() on line {node.lineno} runs SQL built with string formatting (`{query.id}`)")
                    return
        return
    if _dynamic_sql(query):
        yield RULE.hit(node, f"{short}() runs SQL built with string formatting")
