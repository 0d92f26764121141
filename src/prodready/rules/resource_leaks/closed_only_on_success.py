"""Resource closed only when nothing fails

## What it does
Flags a client, connection or service object created in a function and closed later in the same
function (`fred.close()`, `client.release()`, `conn.close()`) where the close is not in a `finally`
(or an error branch), while the code between them can fail: `const client = await pool.connect()`
... `await client.query(...)` ... `client.release()`; also a headless browser from puppeteer's
`launch(...)` or a Playwright `browser.newContext()` closed after the page work.

## Why it matters in production
The close runs only on the success path. Every exception in between — a timeout, a bad row, a
validation error turned into an HTTP error — skips it, and the pooled connection, socket or keep-alive
agent is never returned. Under a burst of failures the pool runs dry and every request waits for a
connection that will never come back.

## Example
```ts
const client = await pool.connect();
await client.query('INSERT INTO chunks ...', values);
client.release();
```

## Use instead
```ts
const client = await pool.connect();
try {
  await client.query('INSERT INTO chunks ...', values);
} finally {
  client.release();
}
```
(Python: `try/finally`, or `with closing(Client()) as client:`.)

## Known limitations
Only a local variable closed by name in the same function is followed; objects handed to another
function or stored on `self`/`this` are not judged.

## References
- https://node-postgres.com/features/pooling#checkout-use-and-return
- https://docs.python.org/3/reference/compound_stmts.html#the-try-statement
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import ancestors, descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules._pyutil import in_test_file, is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RL-007",
    name="closed-only-on-success",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Close or release the resource in a finally block (or a with/using statement).",
    references=("https://node-postgres.com/features/pooling#checkout-use-and-return",),
)

CLOSERS = {"close", "release", "end", "destroy", "disconnect", "quit", "dispose", "aclose"}
# created by a call whose result is a file: PR-RL-001's business
FILE_OPENERS = {"open", "io.open", "os.fdopen", "tempfile.NamedTemporaryFile", "tempfile.TemporaryFile", "gzip.open",
                "sqlite3.connect"}  # (and an in-process SQLite file: nothing pooled to run dry)


def _message(name: str, line: int) -> str:
    return f"`{name}` is closed at line {line} only when nothing before it fails: any exception leaks it"


# -- Python ----------------------------------------------------------------------------------


@RULE.on_python(ast.Assign, skip_file=in_test_file)
def check_python(node: ast.Assign, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) or is_script_like(ctx):
        return  # (a CLI run ends the process, and its resources with it)
    value = node.value.value if isinstance(node.value, ast.Await) else node.value
    if not isinstance(value, ast.Call) or (ctx.call_name(value) or "") in FILE_OPENERS:
        return
    callee = (pyast.dotted(value.func) or "").rsplit(".", 1)[-1]
    if not (callee[:1].isupper() or PY_FACTORY.search(callee)) or IN_MEMORY.search(callee) or pyast.keyword(value, "fileobj"):
        return  # a constructor or a connection factory, not a lookup (`g.pop("db")`) or an in-memory stream
    name = node.targets[0].id
    func = pyast.enclosing_function(node)
    if func is None:
        return
    closes = [
        call for call in ast.walk(func)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in CLOSERS
        and isinstance(call.func.value, ast.Name) and call.func.value.id == name and call.lineno > node.lineno
    ]
    if not closes:
        return
    ctx.examine(RULE)
    if any(_py_guarded(call, func) for call in closes) or _py_escapes(func, name, node) or _py_acquired(func, name):
        return
    if any(pyast.enclosing_function(call) is not func for call in closes):
        return  # closed in a callback or nested function: its own lifecycle
    first = min(closes, key=lambda c: c.lineno)
    between = [
        sub for sub in ast.walk(func)
        if isinstance(sub, ast.Call) and node.end_lineno is not None and node.end_lineno < sub.lineno < first.lineno
    ]
    if between:
        hit = RULE.hit(node, _message(name, first.lineno))
        # the close itself is the other end a reviewer points at ("quit() only on the success path")
        yield replace(hit, related=((first.lineno, f"`{name}` closed here, outside any finally"),))


PY_FACTORY = lazy_compile(r"(?i)(connect|get_?connection|getconn|acquire|session|create_?client|open_?session)$")
IN_MEMORY = lazy_compile(r"(?i)(gzip|zip|tar|bytesio|stringio|buffer|lock|semaphore|event|condition)")


def _py_acquired(func: ast.AST, name: str) -> bool:
    """`sem.acquire()` ... `sem.release()` is a lock's pairing: PR-RL-003's business."""
    return any(
        isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "acquire"
        and isinstance(call.func.value, ast.Name) and call.func.value.id == name
        for call in ast.walk(func)
    )


def _py_guarded(call: ast.Call, func: ast.AST) -> bool:
    """The close sits in a finally body or an except handler (the failure path closes too)."""
    child: ast.AST = call
    for up in pyast.ancestors(call):
        if isinstance(up, ast.Try) and any(child is stmt for stmt in up.finalbody):
            return True
        if isinstance(up, ast.ExceptHandler):
            return True
        if up is func:
            return False
        child = up
    return False


def _py_escapes(func: ast.AST, name: str, assign: ast.Assign) -> bool:
    """Returned, yielded, stored on an object or used as a context manager: its owner closes it."""
    for sub in ast.walk(func):
        if isinstance(sub, ast.Return | ast.Yield) and sub.value is not None and any(
            isinstance(n, ast.Name) and n.id == name for n in ast.walk(sub.value)
        ):
            return True
        if isinstance(sub, ast.Assign) and sub is not assign and isinstance(sub.value, ast.Name) and sub.value.id == name:
            return True
        if isinstance(sub, ast.Call) and any(isinstance(arg, ast.Name) and arg.id == name for arg in sub.args):
            return True  # handed to another owner: `servers.append(server)`, `register(conn)`
        if isinstance(sub, ast.With | ast.AsyncWith) and any(
            isinstance(n, ast.Name) and n.id == name for item in sub.items for n in ast.walk(item.context_expr)
        ):
            return True
    return False


# -- JavaScript / TypeScript -----------------------------------------------------------------


@once_per_file
def _no_closer(ctx: TreeContext) -> object:
    return ctx.is_test_file or not any(f".{method}(" in ctx.text for method in ("close", "release", "end", "destroy", "disconnect", "quit"))


@RULE.on_tree("variable_declarator", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_closer)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _no_closer(ctx):
        return
    name_node, value = field(node, "name"), field(node, "value")
    if name_node is None or value is None or name_node.type != "identifier":
        return
    created = value.named_children[0] if value.type == "await_expression" and value.named_children else value
    if created.type not in {"new_expression", "call_expression"}:
        return
    if created.type == "call_expression" and not _js_opens(js.callee(created)):
        return  # a plain call's result is not known to be a resource unless it is checked out of a pool
    name = text(name_node)
    func = js.enclosing_function(node)
    if func is None:
        return
    closes = [
        call for call in descendants(func, "call_expression")
        if js.callee(call) in {f"{name}.{method}" for method in CLOSERS} and call.start_byte > node.end_byte
    ]
    if not closes:
        return
    ctx.examine(RULE)
    if any(_js_guarded(call, func) for call in closes) or _js_escapes(func, name, node):
        return
    if any(getattr(js.enclosing_function(call), "id", None) != func.id for call in closes):
        return  # closed in a callback (a stream's `complete`, a promise's error handler): its own lifecycle
    first = min(closes, key=lambda c: c.start_byte)
    body = text(func)[node.end_byte - func.start_byte: first.start_byte - func.start_byte]
    if "await" in body or "(" in body:
        statement = node.parent if node.parent is not None else node
        hit = RULE.hit(statement, _message(name, first.start_point[0] + 1))
        yield replace(hit, related=((first.start_point[0] + 1, f"`{name}` closed here, outside any finally"),))


# Calls whose result holds a pooled connection or a browser process: `pool.connect()`,
# puppeteer's `launch(...)`, Playwright's `browser.newContext()`.
JS_OPENERS = (".connect", ".getConnection", ".acquire", ".launch", ".newContext", ".launchPersistentContext",
              ".createBrowserContext", ".createIncognitoBrowserContext")


def _js_opens(callee: str) -> bool:
    return callee == "launch" or callee.endswith(JS_OPENERS)


def _js_guarded(call: Any, func: Any) -> bool:
    for up in ancestors(call):
        if up.type in {"finally_clause", "catch_clause"}:
            return True
        if up.id == func.id:
            return False
    return False


def _js_escapes(func: Any, name: str, declarator: Any) -> bool:
    for statement in descendants(func, "return_statement"):
        if any(text(n) == name for n in descendants(statement, "identifier")):
            return True
    for assignment in descendants(func, "assignment_expression"):
        right = field(assignment, "right")
        if right is not None and text(right) == name:
            return True
    return False
