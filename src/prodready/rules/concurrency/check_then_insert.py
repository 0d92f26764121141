"""Uniqueness checked in code, then the row inserted: two requests both pass the check

## What it does
Flags a function that looks a record up by a unique-looking key (e-mail, username, slug, title …),
stops when it exists, and otherwise creates it: `get_user_by_email` then `create_user`,
`User.isEmailTaken` then `User.create`, `GetByTitle` then `Store`. Code that catches the
database's unique-violation error around the insert, takes a lock, or uses an upsert
(`ON CONFLICT`, `get_or_create`, `upsert`) is left alone.

## Why it matters in production
Between the check and the insert another request can insert the same key. Without a unique
constraint that makes duplicates (two accounts for one e-mail); with one, the loser of the race
gets the driver's unique-violation error, which nothing maps, so a double-clicked sign-up button
or a retried request answers 500. Under load or with several replicas this is not rare.

## Example
```python
@router.post("/signup")
def register_user(session: SessionDep, user_in: UserRegister) -> User:
    user = crud.get_user_by_email(session=session, email=user_in.email)
    if user:
        raise HTTPException(400, "email already registered")
    return crud.create_user(session=session, user_create=user_in)
```

## Use instead
```python
@router.post("/signup")
def register_user(session: SessionDep, user_in: UserRegister) -> User:
    try:
        return crud.create_user(session=session, user_create=user_in)  # email column is UNIQUE
    except IntegrityError:
        session.rollback()
        raise HTTPException(400, "email already registered")
```

## Known limitations
The check and the insert must be in one function; a check in a validator and the insert in a
service are not connected. Whether the column has a unique constraint is not read.

## References
- https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT
- https://en.wikipedia.org/wiki/Time-of-check_to_time-of-use
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-004",
    name="check-then-insert",
    category=Category.CONCURRENCY,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Let a unique constraint decide: insert, and map the unique-violation error to the 'already exists' answer (or upsert).",
    references=("https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT",),
)

MESSAGE = (
    "existence checked, then inserted: two concurrent requests both pass the check, and the loser gets "
    "a duplicate or an unmapped unique-violation error (500)"
)
# The key a reviewer would call unique; a lookup by id is a read, not a uniqueness check.
UNIQUE_KEY = lazy_compile(r"(?i)e_?mail|user_?name|\bname\b|slug|title|login|handle|phone|nickname|\w+name\b")
LOOKUP = lazy_compile(r"(?i)^(get|find|fetch|select|query|lookup|load|read)\w*(by|with)_?\w+$|^(first|one_or_none|scalar_one_or_none|scalar|exists|find_one|get_by)$|(is|_)\w*taken$|exists$")
CREATE = lazy_compile(r"(?i)^(create|insert|register|store|save|add)(_?\w*)?$")
# The fix, or a guard that makes the pair atomic: an upsert, a row lock, a lock, or the driver's
# unique-violation error handled (by exception class, Mongo's 11000, Postgres' 23505, MySQL's 1062).
ATOMIC = lazy_compile(r"(?i)on_conflict|upsert|get_or_create|select_for_update|with_for_update|\block\b|\.Lock\(|Lock\(\)|findOneAndUpdate")
PY_UNIQUE_ERRORS = lazy_compile(r"IntegrityError|UniqueViolation|UniqueConstraint\w*Error|DuplicateKeyError|NotUniqueError")
JS_UNIQUE_ERRORS = lazy_compile(r"11000|P2002|UniqueConstraintError|ER_DUP_ENTRY|23505|duplicate key", re.I)
GO_UNIQUE_ERRORS = lazy_compile(r"23505|1062|ErrDuplicatedKey|UniqueViolation|duplicate key|IsDuplicateKeyError|ErrDuplicate\w*", re.I)


# ---------------------------------------------------------------- Python


def _py_last(name: str | None) -> str:
    return (name or "").split(".")[-1]


def _py_lookup(value: ast.AST | None, ctx: PyContext) -> ast.Call | None:
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return None
    name = _py_last(ctx.call_name(value)) or (value.func.attr if isinstance(value.func, ast.Attribute) else "")
    if not LOOKUP.search(name):
        return None
    return value if UNIQUE_KEY.search(ast.unparse(value)) else None


def _py_creates(statements: list[ast.stmt], ctx: PyContext) -> bool:
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Call):
                name = _py_last(ctx.call_name(node)) or (node.func.attr if isinstance(node.func, ast.Attribute) else "")
                if CREATE.search(name) and name.lower() not in {"add_url_rule", "add_argument"}:
                    return True
    return False


def _py_exits(statements: list[ast.stmt]) -> bool:
    return any(isinstance(s, ast.Return | ast.Raise) for s in statements) or any(
        isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and _py_last(ast.unparse(s.value.func)) == "abort"
        for s in statements
    )


def _py_subject(test: ast.expr) -> tuple[ast.expr, bool]:
    """(what the test reads, True when the test is 'it exists')."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand, False
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
        return test.left, isinstance(test.ops[0], ast.IsNot | ast.NotEq)
    return test, True


def _py_handles_unique_error(function: ast.AST) -> bool:
    return any(
        isinstance(handler, ast.ExceptHandler) and handler.type is not None and PY_UNIQUE_ERRORS.search(ast.unparse(handler.type))
        for handler in ast.walk(function)
    )


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef)
def check_python(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if is_script_like(ctx):
        return
    looked_up: dict[str, ast.Call] = {}
    body = node.body
    for index, statement in enumerate(body):
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            call = _py_lookup(statement.value, ctx)
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if call is not None:
                looked_up.update((t.id, call) for t in targets if isinstance(t, ast.Name))
            continue
        if not isinstance(statement, ast.If):
            continue
        subject, exists = _py_subject(statement.test)
        if isinstance(subject, ast.Name) and subject.id in looked_up:
            pass
        elif _py_lookup(subject, ctx) is None:
            continue
        rest = body[index + 1:]
        if exists:
            racy = _py_exits(statement.body) and (_py_creates(rest, ctx) or _py_creates(statement.orelse, ctx))
        else:
            racy = _py_creates(statement.body, ctx)
        if not racy:
            continue
        ctx.examine(RULE)
        if ATOMIC.search(ast.unparse(node)) or _py_handles_unique_error(node):
            return
        yield RULE.hit(statement, MESSAGE)
        return


# ---------------------------------------------------------------- JavaScript / TypeScript

JS_FUNCTIONS = ("function_declaration", "function_expression", "arrow_function", "method_definition")
JS_LOOKUP = (
    r"(?:await\s+)?[\w.]*\.(?:findOne|findFirst|findUnique|exists|count(?:Documents)?|is\w*Taken|"
    r"(?:get|find)\w*By\w+)\s*\((?P<args>[^;]{0,200}?)\)"
)
JS_ASSIGN = lazy_compile(r"(?:const|let|var)\s+(?P<name>\w+)\s*=\s*" + JS_LOOKUP)
JS_CREATE = lazy_compile(r"\.(?:create|insert\w*|save|insertOne|createUser|store)\s*\(|new\s+[A-Z]\w*\([^)]*\)\s*\.save\(")


# Every JS_CREATE match holds one of these: substring tests spare the pattern in most files.
JS_CREATE_TEXTS = (".create", ".insert", ".save", ".store")


def _no_js_create(ctx: TreeContext) -> bool:
    """skip_file=: test code, or a file where JS_CREATE matches nowhere (a function's text is a
    piece of the file's and the pattern has no anchors, so it cannot match there either)."""
    text = ctx.text
    return ctx.is_test_file or not (any(word in text for word in JS_CREATE_TEXTS) and JS_CREATE.search(text))


@RULE.on_tree(*JS_FUNCTIONS, languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_js_create)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    body = text(node)
    if len(body) > 4000 or not JS_CREATE.search(body):
        return
    check = None
    direct = re.search(r"if\s*\(\s*(?P<neg>!\s*)?\(?\s*" + JS_LOOKUP, body)
    if direct and UNIQUE_KEY.search(direct.group("args")):
        check = direct
    else:
        assigned = JS_ASSIGN.search(body)
        if assigned and UNIQUE_KEY.search(assigned.group("args")):
            name = re.escape(assigned.group("name"))
            check = re.compile(rf"if\s*\(\s*(?P<neg>!\s*)?{name}\s*\)").search(body, assigned.end())
    if check is None:
        return
    after = body[check.end(): check.end() + 300]
    if check.group("neg"):
        racy = bool(JS_CREATE.search(after[: after.find("}") if "}" in after else 200]))
    else:
        racy = bool(re.match(r"\s*\)?\s*\{?\s*(throw|return)\b", after)) and bool(JS_CREATE.search(body, check.end()))
    if not racy:
        return
    ctx.examine(RULE)
    if ATOMIC.search(body) or JS_UNIQUE_ERRORS.search(body):
        return
    line = node.start_point[0] + body[: check.start()].count("\n") + 1
    yield Hit(line=line, message=MESSAGE)


# ---------------------------------------------------------------- Go

GO_LOOKUP = lazy_compile(r"(?P<name>\w+),\s*(?:_|err)\s*:?=\s*[\w.]*\.(?:GetBy|FindBy|FetchBy|Get\w*By|Find\w*By|Exists)(?P<key>\w*)\((?P<args>[^\n]*)\)")
GO_CREATE = lazy_compile(r"\.(?:Create|Insert|Store|Save|Add)\w*\(")


@RULE.on_tree("function_declaration", "method_declaration", languages=(Language.GO,), skip_file=lambda ctx: ctx.is_test_file or not GO_CREATE.search(ctx.text))
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    body = field(node, "body")
    if body is None:
        return
    source = text(body)
    # Every GO_LOOKUP match holds "By" or "Exists"; the pattern opens with \w+ and is tried at
    # every position of the body: most bodies are ruled out by the substring test.
    lookup = GO_LOOKUP.search(source) if "By" in source or "Exists" in source else None
    if not lookup or not UNIQUE_KEY.search(lookup.group("key") + " " + lookup.group("args")):
        return
    name = re.escape(lookup.group("name"))
    check = re.compile(rf"if\s+{name}\s*!=\s*(?:nil|\(?[\w.]+\{{\}}\)?|\"\")\s*\{{").search(source, lookup.end())
    if not check or source[lookup.end(): check.start()].count("\n") > 3:
        return
    block = source[check.end(): check.end() + 300]
    block = block[: block.find("}")] if "}" in block else block
    if "return" not in block or not GO_CREATE.search(source, check.end()):
        return
    ctx.examine(RULE)
    if ATOMIC.search(source) or GO_UNIQUE_ERRORS.search(source):
        return
    line = body.start_point[0] + source[: check.start()].count("\n") + 1
    yield Hit(line=line, message=MESSAGE)
