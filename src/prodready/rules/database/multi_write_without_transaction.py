"""Several related writes with no transaction around them

## What it does
Flags a function that writes to two or more different tables (or models) one statement at a time
with no transaction anywhere in it: Go `db.Exec("DELETE FROM ...")` / gorm `Delete`, `Create`,
`Save` / a store's `DeleteX`, `CreateX` methods; Node Mongoose, Sequelize, Prisma and knex writes
(`Post.deleteMany`, `User.findOneAndRemove`, `prisma.user.delete`, `records.del`); Django
`Model.objects.create`, `.delete()`, `.save()`, and SQLAlchemy sessions committed more than once.
The finding points at the first write. A function that opens a transaction (`Begin`, `Transaction`,
`transaction.atomic`, `$transaction`, `startSession`) is not flagged.

## Why it matters in production
Each statement commits on its own. When the second one fails (a constraint, a timeout, a deploy
that kills the process) the first is already permanent: a user deleted without their posts, a
campaign without its results, an account without its profile. Nothing retries the rest, and the
half-written rows break the next request that assumes both exist.

## Example
```go
db.Where("campaign_id = ?", id).Delete(&Result{})
db.Where("campaign_id = ?", id).Delete(&Event{})
db.Delete(&Campaign{Id: id})
```

## Use instead
```go
return db.Transaction(func(tx *gorm.DB) error {
    if err := tx.Where("campaign_id = ?", id).Delete(&Result{}).Error; err != nil { return err }
    if err := tx.Where("campaign_id = ?", id).Delete(&Event{}).Error; err != nil { return err }
    return tx.Delete(&Campaign{Id: id}).Error
})
```

## Known limitations
Writes reached through helpers in other functions are not counted, and a transaction opened by a
caller or by middleware (Django `ATOMIC_REQUESTS`) is not seen.

## References
- https://gorm.io/docs/transactions.html
- https://docs.djangoproject.com/en/stable/topics/db/transactions/
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import ancestors, descendants, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules._pyutil import is_script_like, lines_of
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-DB-010",
    name="multi-write-without-transaction",
    category=Category.DATABASE,
    severity=Severity.MEDIUM,
    confidence=Confidence.LOW,
    languages=frozenset({Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.PYTHON}),
    fix="Wrap the related writes in one transaction (db.Transaction / BEGIN...COMMIT / transaction.atomic / $transaction).",
    references=("https://gorm.io/docs/transactions.html",),
)

TOOL_PATH = lazy_compile(
    r"(?i)(^|/)(migrat\w*|seeds?|fixtures?|tools?|scripts?|hack|testdata|management/commands|cli)(/|$)"
    r"|(seed|populate|fixtures?|demo_data)\w*\.\w+$"
)


def _message(targets: list[str]) -> str:
    shown = ", ".join(targets[:4]) + (", ..." if len(targets) > 4 else "")
    return (f"{len(targets)} separate writes ({shown}) with no transaction: a failure after the first leaves "
            "the data half-written")


# -- Go ---------------------------------------------------------------------------------------------

GO_TX = lazy_compile(r"\.(Begin|BeginTx|Beginx|BeginTxx|MustBegin|Transaction|RunInTx|WithTx|InTx|ExecTx|WithTransaction)\(|\btx\b|\bTx\b")
SQL_WRITE = lazy_compile(r"(?is)^\W*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from|replace\s+into)\s+[\"`]?(\w+)")
GO_EXEC = frozenset({"Exec", "ExecContext", "MustExec", "NamedExec", "NamedExecContext"})
GORM_WRITES = frozenset({"Delete", "Create", "Save", "Updates", "Update", "UpdateColumn", "UpdateColumns"})
GO_DBISH = lazy_compile(r"(?i)^(\w+\.)*(db|orm|gorm|conn|pool)\b")
GO_STORE = lazy_compile(r"(?i)(^|\.)(store|driver|repo|repository|dao|queries|storage)$")
GO_STORE_WRITE = lazy_compile(r"^(Delete|Create|Insert|Update|Remove|Upsert)(\w+)$")


def _go_sql(call: Any, func_text: str) -> str:
    args = go.call_args(call)
    for arg in args[:2]:
        if arg.type in {"interpreted_string_literal", "raw_string_literal"}:
            return text(arg).strip("`\"")
        if arg.type == "identifier":
            declared = re.search(rf"\b{re.escape(text(arg))}\s*:?=\s*(`[^`]*`|\"[^\"]*\")", func_text)
            if declared:
                return declared.group(1).strip("`\"")
    return ""


def _go_target(call: Any, func_text: str) -> str:
    name = go.callee(call)
    method = name.rsplit(".", 1)[-1]
    receiver = name.rsplit(".", 1)[0] if "." in name else ""
    if method in GO_EXEC:
        match = SQL_WRITE.match(_go_sql(call, func_text))
        return match.group(1).lower() if match else ""
    if method in GORM_WRITES and GO_DBISH.match(receiver):
        args = go.call_args(call)
        model = re.search(r"&?(\w+)\{", text(args[0])) if args else None
        scoped = re.search(r"\.Model\(&?(\w+)", receiver) or re.search(r"\.Table\(\"(\w+)\"", receiver)
        if scoped:
            return scoped.group(1).lower()
        return model.group(1).lower() if model else (text(args[0]).lstrip("&").lower() if args else "")
    store_write = GO_STORE_WRITE.match(method)
    if store_write and GO_STORE.search(receiver):
        return store_write.group(2).lower()
    return ""


@RULE.on_tree("function_declaration", "method_declaration", languages=(Language.GO,), skip_file=in_test_code)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if non_production(ctx.path, ctx.is_test_file) or TOOL_PATH.search(ctx.path):
        return
    func_text = text(node)
    if GO_TX.search(func_text):
        return
    writes: list[tuple[Any, str]] = []
    for call in sorted(go.calls_in(node), key=lambda c: c.start_byte):
        enclosing = go.enclosing_function(call)
        if enclosing is None or enclosing.id != node.id:
            continue  # a closure's writes are its own
        target = _go_target(call, func_text)
        if target:
            writes.append((call, target))
    yield from _report(writes, ctx)


def _report(writes: list[tuple[Any, str]], ctx: Any) -> Iterator[Hit]:
    targets = list(dict.fromkeys(t for _, t in writes))
    if len(targets) < 2:
        return
    ctx.examine(RULE)
    yield RULE.hit(writes[0][0], _message(targets))


# -- JavaScript / TypeScript ----------------------------------------------------------------------

JS_TX = lazy_compile(r"(?i)transaction|startSession|\$transaction|withTransaction|\.batch\(|bulkWrite")
JS_WRITES = frozenset({
    "deleteMany", "deleteOne", "findOneAndRemove", "findByIdAndRemove", "findOneAndDelete", "findByIdAndDelete",
    "destroy", "create", "insertMany", "updateMany", "updateOne", "findOneAndUpdate", "findByIdAndUpdate",
    "bulkCreate", "insert", "del", "delete", "update", "upsert", "createMany", "remove",
})
# Mongoose/Sequelize models (`Post`), Prisma delegates (`prisma.user`), TypeORM repositories, knex tables.
JS_MODEL = lazy_compile(r"^[A-Z]\w*$|^(this\.)?prisma\.\w+$|^(this\.)?\w+(Repository|Repo|Model)$|^(knex|db|trx)\(|^(this\.)?(db|models)\.\w+$")
JS_NOT_DB = lazy_compile(r"^(Object|Array|Map|Set|Promise|JSON|Math|Reflect|Date|Buffer|URL|String|Number|Intl)$")


def _js_target(call: Any) -> str:
    name = js.callee(call)
    if "." not in name:
        return ""
    receiver, method = name.rsplit(".", 1)
    if method not in JS_WRITES:
        return ""
    if JS_NOT_DB.match(receiver):
        return ""
    if method == "del" or JS_MODEL.match(receiver):
        return receiver.removeprefix("this.")
    return ""


@RULE.on_tree("arrow_function", "function_declaration", "function_expression", "method_definition", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=js.test_or_script)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path) or TOOL_PATH.search(ctx.path) or not js.is_server_file(ctx):
        return
    if JS_TX.search(text(node)) or any(a.type == "call_expression" and JS_TX.search(js.callee(a)) for a in ancestors(node)):
        return  # `session.withTransaction(async () => {...})`, `sequelize.transaction(async (t) => ...)`
    writes: list[tuple[Any, str]] = []
    for call in descendants(node, "call_expression"):
        enclosing = js.enclosing_function(call)
        if enclosing is None or enclosing.id != node.id:
            continue  # a callback's writes are its own
        target = _js_target(call)
        if target:
            writes.append((call, target))
    yield from _report(writes, ctx)


# -- Python -----------------------------------------------------------------------------------------

PY_TX = lazy_compile(r"atomic|begin\(|begin_nested|\.transaction\(|savepoint|Transaction")
DJANGO_WRITES = frozenset({"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "update", "delete"})
NOT_DB_RECEIVER = lazy_compile(r"(?i)^(self\.)?(request|session|cache|form|response|redis|client|queue|file|f|fp|path|os|shutil|dict|list|set|self)$")


def _py_target(call: ast.Call) -> str:
    if not isinstance(call.func, ast.Attribute):
        return ""
    method = call.func.attr
    if method not in DJANGO_WRITES and method not in {"save", "delete"}:
        return ""  # (before unparsing: every call of every function passes here)
    chain = pyast.dotted(call.func.value) or ast.unparse(call.func.value)
    objects = re.match(r"^(\w+)\.objects\b", chain)
    if objects and method in DJANGO_WRITES:
        return objects.group(1)
    if method in {"save", "delete"} and not call.args and isinstance(call.func.value, (ast.Name, ast.Attribute)) \
            and not NOT_DB_RECEIVER.match(chain) and "objects" not in chain:
        return chain
    return ""


def _in_loop(func: ast.AST, calls: list[ast.Call]) -> bool:
    looped = {id(n) for loop in pyast.walk_shallow(func) if isinstance(loop, (ast.For, ast.AsyncFor, ast.While)) for n in ast.walk(loop)}
    return any(id(c) in looped for c in calls)


def _py_skip(ctx: PyContext) -> bool:
    return ctx.is_test_file or is_script_like(ctx) or TOOL_PATH.search(ctx.path) is not None or "/migrations/" in f"/{ctx.path}"


@RULE.on_python(ast.Module, skip_file=_py_skip)
def check_python(tree: ast.Module, ctx: PyContext) -> Iterator[Hit]:
    """One pass over the file's calls (indexed by the engine), grouped by the function that makes them:
    walking every function's body would cost a walk of the whole file per nesting level."""
    if _py_skip(ctx):
        return
    functions: dict[int, tuple[ast.AST, list[tuple[Any, str]], list[ast.Call]]] = {}
    for call in ctx.nodes_of(ast.Call):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            continue
        is_commit = call.func.attr == "commit" and re.search(r"(?i)session|db", pyast.dotted(call.func.value) or "") is not None
        target = "" if is_commit else _py_target(call)
        if not (is_commit or target):
            continue
        func = pyast.enclosing_function(call)
        if func is None:
            continue
        entry = functions.setdefault(id(func), (func, [], []))
        if is_commit:
            entry[2].append(call)
        else:
            entry[1].append((call, target))
    for function, writes, commits in functions.values():
        if len({t for _, t in writes}) < 2 and len(commits) < 2:
            continue
        decorators = getattr(function, "decorator_list", [])
        if PY_TX.search(lines_of(ctx, function)) or any(PY_TX.search(ast.unparse(d)) for d in decorators):
            continue
        writes.sort(key=lambda w: (w[0].lineno, w[0].col_offset))
        # commit per row of a loop, or three and more: two commits (the change, then a log entry) are common and benign
        if len(commits) >= 3 or len(commits) >= 2 and _in_loop(function, commits):
            commits.sort(key=lambda c: c.lineno)
            ctx.examine(RULE)
            yield RULE.hit(commits[0], f"{len(commits)} commits in one function: a failure after the first leaves "
                                       "the data half-written (one unit of work, one commit)")
            continue
        yield from _report(writes, ctx)
