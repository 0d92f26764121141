"""Go SQL built with `fmt.Sprintf` or concatenation.

## What it does
Flags `Query`, `QueryRow`, `Exec` (and their `Context` variants, and lower-case wrappers such as
`database.query(...)`) whose SQL argument is built with `fmt.Sprintf` or `+` from non-constant
values, when one of those values comes from outside the function: a request accessor
(`r.FormValue`, `c.Query`) or a `string` parameter of the function (`func ListSeries(ctx, sortBy
string)`), directly or through a local assigned from it. pgx-style `Query(ctx, sql, args...)` is read
at its second argument. A `Sprintf` that only splices quoted identifiers (`scope.Quote(...)`,
`QuotedTableName()`) and bind-variable placeholders (`AddToVars`) is accepted, and so is SQL the
function assembles from its own fragments (placeholder lists, column lists, table-name helpers).

## Why it matters in production
Values spliced into SQL can rewrite the query: data theft, deleted tables, bypassed login checks.

## Example
```go
rows, err := db.Query(fmt.Sprintf("SELECT * FROM users WHERE name = '%s'", name))
```

## Use instead
```go
rows, err := db.Query("SELECT * FROM users WHERE name = $1", name)
```

## Known limitations
Queries built in a variable earlier in the function are followed only when assigned with `:=`/`=`
in the same function. A value that reaches the SQL through a struct field or another function's
result is not traced.

## References
- https://go.dev/doc/database/sql-injection
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-002",
    name="sql-injection",
    aliases=("PR-IV-201", "go-sql-injection"),
    category=Category.INPUT_VALIDATION,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Use placeholders ($1 / ?) and pass values as arguments.",
    references=("https://go.dev/doc/database/sql-injection",),
)

METHODS = {
    "Query",
    "QueryRow",
    "Exec",
    "QueryContext",
    "QueryRowContext",
    "ExecContext",
    "Raw",
    "Select",
    "Get",
}
SAFE_PART = lazy_compile(r"(?i)(quote\w*\(|addtovars|placeholder|bindvar|rebind)")
REQUEST_VALUE = lazy_compile(r"(FormValue|PostForm|Query\(|Param\(|URL\.|Header\.Get|Body)")
SQL = lazy_compile(r"(?is)\b(select|insert|update|delete)\b.*\b(from|into|set|where)\b")
# The first argument of pgx/sqlx-style `Query(ctx, sql, args...)`: the SQL is the second.
CONTEXT_ARG = lazy_compile(r"^(\w*[cC]tx|context\.\w+\(\)|\w+(\.\w+)*\.Context\(\))$")


def _dynamic(node: Any, func_text: str, func: Any = None) -> bool:
    value = text(node)
    if node.type == "call_expression" and go.callee(node) == "fmt.Sprintf":
        args = [text(a) for a in go.call_args(node)[1:]]
        if any(SAFE_PART.search(a) for a in args) and not any(REQUEST_VALUE.search(a) for a in args):
            return False  # identifiers quoted and values bound as placeholders: SQL assembled on purpose
        return bool(SQL.search(value)) and len(args) > 0
    if node.type == "binary_expression" and "+" in value:
        if not SQL.search(value) or not re.search(r"\+\s*[A-Za-z_]", value):
            return False
        return not all(_fixed_fragment(operand, func_text, func=func) for operand in _concatenated(node))
    if node.type == "identifier":
        match = _assignment_of(value, func_text)
        if not (match and SQL.search(match.group(1))):
            return False
        assigned = _assigned_values(value, func) if func is not None else []
        # `stmt := "INSERT INTO t (" + strings.Join(fields, ", ") + ") VALUES (...)"`: judged by what it joins
        return not assigned or any(_dynamic(right, func_text, func) for right in assigned)
    return False


def _assigned_values(name: str, func: Any) -> list[Any]:
    """The right-hand sides assigned to local `name` in the function (`x := ...`, `x = ...`)."""
    values = []
    for decl in descendants(func, "short_var_declaration", "assignment_statement"):
        left, right = field(decl, "left"), field(decl, "right")
        if left is None or right is None:
            continue
        names = [text(n) for n in left.named_children]
        if name in names and len(right.named_children) == len(names):
            values.append(right.named_children[names.index(name)])
    return values


def _fixed_slice(name: str, func: Any, depth: int = 0) -> bool:
    """A local slice of SQL pieces no request chooses: made from literals (`[]string{"a = ?"}`) and only
    ever extended with literals (`where = append(where, "name = ?")`)."""
    made = _assigned_values(name, func)
    if not made:
        return False
    for value in made:
        if value.type == "composite_literal":
            body = field(value, "body")
            elements = [e.named_children[0] if e.type in {"literal_element", "element"} and e.named_children else e
                        for e in (body.named_children if body is not None else [])]
            if not all(e.type in LITERALS for e in elements):
                return False
        elif value.type == "call_expression" and go.callee(value) == "append":
            args = go.call_args(value)
            if not args or text(args[0]) != name or not all(_fixed_piece(a, func, depth) for a in args[1:]):
                return False
        elif not (value.type == "call_expression" and go.callee(value) == "make"):
            return False
    return True


def _fixed_piece(node: Any, func: Any, depth: int = 0) -> bool:
    """An element added to a slice of SQL pieces: a literal, or literals joined with such slices
    (`"id IN (" + strings.Join(placeholders, ",") + ")"`)."""
    if node.type in LITERALS:
        return True
    if depth > 2:
        return False
    if node.type == "binary_expression":
        return all(_fixed_piece(operand, func, depth + 1) for operand in _concatenated(node))
    if node.type == "call_expression" and go.callee(node) == "strings.Join":
        joined = go.call_args(node)
        return bool(joined) and joined[0].type == "identifier" and _fixed_slice(text(joined[0]), func, depth + 1)
    if node.type == "call_expression" and not REQUEST_VALUE.search(text(node)):
        return all(_plain_argument(a) for a in go.call_args(node))  # `placeholder(len(args) + 1)`
    return False


def _plain_argument(node: Any) -> bool:
    """What a dialect helper is fed when it renders no input: literals, plain variables, lengths and
    sums of them (`placeholders(len(args))`, `placeholder(len(args) + 1)`)."""
    if node.type in LITERALS or node.type == "identifier":
        return True
    if node.type == "call_expression":
        return go.callee(node) == "len"
    if node.type == "binary_expression":
        return all(_plain_argument(child) for child in node.named_children)
    return False


LITERALS = frozenset({"interpreted_string_literal", "raw_string_literal", "int_literal", "float_literal"})


def _concatenated(node: Any) -> list[Any]:
    """The operands of a `+` chain (`"SELECT " + cols + " FROM t"`)."""
    if node.type == "parenthesized_expression" and node.named_children:
        return _concatenated(node.named_children[0])
    operator = node.child_by_field_name("operator") if node.type == "binary_expression" else None
    if operator is None or text(operator) != "+":
        return [node]
    return _concatenated(field(node, "left")) + _concatenated(field(node, "right"))


def _fixed_fragment(node: Any, func_text: str, depth: int = 0, func: Any = None) -> bool:
    """A piece of SQL that no request chooses: a literal, a package constant, a dialect helper fed
    literals or plain variables (`db.now()`, `db.upsert("id")`, `strconv.Itoa(limit)`), or a local
    that is only ever assigned such pieces (`where := "id = ?"`; `if slug { where = "slug = ?" }`)."""
    if node is None:
        return False
    value = text(node)
    if node.type in LITERALS:
        return True
    if REQUEST_VALUE.search(value):
        return False
    if node.type == "call_expression":
        if go.callee(node) == "strings.Join" and func is not None:
            joined = go.call_args(node)
            return bool(joined) and joined[0].type == "identifier" and _fixed_slice(text(joined[0]), func)
        return all(_plain_argument(a) for a in go.call_args(node))
    if node.type == "identifier" and depth < 2:
        if re.search(rf"\bconst\s+{re.escape(value)}\b", func_text) or _package_constant(node, value):
            return True
        assigned = re.findall(rf"(?<![\w.]){re.escape(value)}\s*:?=\s*([^\n]+)", func_text)
        return bool(assigned) and all(FIXED_RHS.match(rhs.strip()) for rhs in assigned)
    return False


# the right-hand side of an assignment that only joins literals and dialect helper calls
FIXED_RHS = lazy_compile(r'^("[^"\n]*"|`[^`]*`|[\w.]+\([\w\s,"]*\))(\s*\+\s*("[^"\n]*"|[\w.]+\([\w\s,"]*\)))*$')


def _package_constant(node: Any, name: str) -> bool:
    """`name` is declared by a top-level `const` of this file."""
    root = node
    while root.parent is not None:
        root = root.parent
    pattern = re.compile(rf"(?m)^\s*{re.escape(name)}\b[^=\n]*=")
    return any(
        child.type == "const_declaration" and (pattern.search(text(child).removeprefix("const")) is not None)
        for child in root.named_children
    )


ASSIGNED = lazy_compile(r"\s*:?=\s*(fmt\.Sprintf\(.*|\".*\"\s*\+\s*[A-Za-z_].*|`[^`]*`\s*\+\s*[A-Za-z_].*)")


def _assignment_of(name: str, source: str) -> re.Match[str] | None:
    """``re.search(rf"\\b{re.escape(name)}" + ASSIGNED.pattern, source)`` for an identifier, without
    compiling a pattern per name: the first place the name starts a word that ASSIGNED follows."""
    start = source.find(name)
    while start != -1:
        if start == 0 or not (source[start - 1].isalnum() or source[start - 1] == "_"):
            match = ASSIGNED.match(source, start + len(name))
            if match is not None:
                return match
        start = source.find(name, start + 1)
    return None


def _maybe_query(callee: str) -> bool:
    """Implied by check's method test: the method (the callee's last name), first letter aside, is one of METHODS."""
    return callee.endswith(_METHOD_TAILS)


_METHOD_TAILS = tuple(method[1:] for method in METHODS)


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=_maybe_query, skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if in_test_code(ctx):
        return  # test code is not the production service
    parts = go.selector_parts(node.child_by_field_name("function"))
    if parts is None or (parts[1] not in METHODS and parts[1][:1].upper() + parts[1][1:] not in METHODS):
        return
    args = go.call_args(node)
    if not args:
        return
    first_is_context = CONTEXT_ARG.match(text(args[0])) is not None
    query = args[1] if (parts[1].endswith("Context") or first_is_context) and len(args) > 1 else args[0]
    func = go.enclosing_function(node)
    ctx.examine(RULE)
    if _dynamic(query, text(func) if func is not None else "", func) and _carries_input(query, func):
        yield RULE.hit(node, f"{parts[1]}() runs SQL built with Sprintf/concatenation")


# Parameters that carry a piece of SQL the calling code chooses (a table, a column, a condition with
# its own placeholders), not a value: `deleteAllSince(table string, ...)`, `findBy(condition string, value any)`.
SQL_PART_NAME = lazy_compile(r"(?i)^(\w*table\w*|tbl\w*|col|cols|columns?\w*|\w*column|key_?name|key_?col|schema\w*|dialect|conditions?|cond|where\w*|clause|fields?|\w*_?sql)$")


def _string_parameters(func: Any) -> set[str]:
    """Names of the enclosing function's `string` parameters (`func List(ctx context.Context, sortBy
    string)`): values its callers choose, often straight from a request."""
    names: set[str] = set()
    params = field(func, "parameters") if func is not None else None
    for decl in params.named_children if params is not None else ():
        kind = field(decl, "type")
        if kind is not None and text(kind) == "string":
            names.update(text(n) for n in decl.named_children if n.type == "identifier" and not SQL_PART_NAME.match(text(n)))
    return names


def _carries_input(node: Any, func: Any, depth: int = 0) -> bool:
    """The SQL text takes a value from outside the function: a request accessor, or a `string`
    parameter (directly, or through a local assigned from it). Fragments the function builds itself
    (placeholder lists, column lists, table-name helpers) are the common safe case and are not
    reported."""
    if node is None or depth > 5:
        return False
    if REQUEST_VALUE.search(text(node)) and node.type != "identifier":
        return True
    if node.type == "identifier":
        name = text(node)
        if name in _string_parameters(func):
            return True
        return any(_carries_input(value, func, depth + 1) for value in _assigned_values(name, func)) if func is not None else False
    if node.type == "call_expression":  # fmt.Sprintf, strings.Join(where, ...), append(where, ...)
        args = go.call_args(node)
        return any(_carries_input(a, func, depth + 1) for a in (args[1:] if go.callee(node) == "fmt.Sprintf" else args))
    if node.type == "composite_literal":
        body = field(node, "body")
        elements = [e.named_children[0] for e in (body.named_children if body is not None else ()) if e.named_children]
        return any(_carries_input(e, func, depth + 1) for e in elements)
    if node.type in {"binary_expression", "parenthesized_expression"}:
        return any(_carries_input(o, func, depth + 1) for o in _concatenated(node) if o.type not in LITERALS)
    return False
