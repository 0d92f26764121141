"""Shared state checked, then an `await`, then the state set: concurrent callers all pass the check

## What it does
In an `async` function (Python `async def`, JavaScript/TypeScript `async`), flags a check of shared
state — a module-level or `self`/`this` flag (`if _state["running"]: return`, `if (this.busy)
return`), or membership in a shared registry (`if job_id in jobs`, `if (this.sessions.has(id))`) —
followed by an `await` and only then by the write that the check guards (`_state["running"] = True`,
`jobs[job_id] = job`, `this.sessions.set(id, s)`). Checks under an `asyncio.Lock` (`async with
lock:`), writes made before the first `await`, and memo caches (a duplicate computation is harmless)
are left alone.

## Why it matters in production
One event loop runs one coroutine at a time, but every `await` hands control to the others. Two
requests (or a scheduled run and an admin trigger) both read "not running" / "not registered",
both wait on the network, and both go on: the job runs twice, the concurrency cap is exceeded, a
second session overwrites the first. It never shows in a test that sends one request at a time.

## Example
```python
async def refresh(force: bool = False) -> int:
    if _state["running"]:
        return 0
    last = await last_fetch_time()       # other refreshes get in here
    _state["running"] = True
```

## Use instead
```python
_refresh_lock = asyncio.Lock()

async def refresh(force: bool = False) -> int:
    if _refresh_lock.locked():
        return 0
    async with _refresh_lock:
        last = await last_fetch_time()
```
or set the flag (or reserve the key) before the first `await`.

## Known limitations
Only a check and a write in the same function are connected; state shared through a helper that
does the check is not followed. Several processes or replicas need a shared lock (Redis, the
database) that this rule does not ask for.

## References
- https://docs.python.org/3/library/asyncio-sync.html#asyncio.Lock
- https://en.wikipedia.org/wiki/Time-of-check_to_time-of-use
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules._pyflow import under_lock
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-007",
    name="check-then-act-across-await",
    category=Category.CONCURRENCY,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Set the flag or reserve the key before the first await, or hold an asyncio.Lock / a promise-based mutex around check and write.",
    references=(
        "https://docs.python.org/3/library/asyncio-sync.html#asyncio.Lock",
        "https://en.wikipedia.org/wiki/Time-of-check_to_time-of-use",
    ),
    grouped=False,  # each guarded piece of state is its own race
)

# A memo cache filled twice costs one duplicate computation, not a correctness problem.
CACHE_NAME = lazy_compile(r"(?i)(cache|memo|cached|lru)")
REGISTRY_ADDS = {"add", "append", "setdefault", "update", "set"}


# ---------------------------------------------------------------- Python


def _module_names(ctx: PyContext) -> set[str]:
    names: set[str] | None = ctx.memo.get("cc007-module-names")
    if names is None:
        names = set()
        for stmt in ctx.tree.body:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        ctx.memo["cc007-module-names"] = names
    return names


def _shared(node: ast.AST, ctx: PyContext, func: ast.AsyncFunctionDef) -> str | None:
    """`self.x` / `cls.x` / a module-level name: state every call of the function shares."""
    name = pyast.dotted(node)
    if not name:
        return None
    head = name.split(".")[0]
    if head in {"self", "cls"} and name.count(".") == 1:
        return name
    if "." not in name and name in _module_names(ctx):
        stored, declared = _function_names(func, ctx)
        return name if name in declared or name not in stored else None
    return None


def _function_names(func: ast.AsyncFunctionDef, ctx: PyContext) -> tuple[set[str], set[str]]:
    """(names the function assigns, names it declares `global`), once per function: every `if`
    in it asks."""
    key = ("cc007-function-names", id(func))
    known: tuple[set[str], set[str]] | None = ctx.memo.get(key)
    if known is None:
        stored = {sub.id for sub in ast.walk(func) if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store)}
        declared = {n for sub in ast.walk(func) if isinstance(sub, ast.Global) for n in sub.names}
        known = ctx.memo[key] = (stored, declared)
    return known


def _py_state(test: ast.expr, ctx: PyContext, func: ast.AsyncFunctionDef) -> tuple[str, str] | None:
    """What the test checks: ("member", "jobs") for `k in jobs`, ("flag", "_state['running']")."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.In | ast.NotIn):
        container = _shared(test.comparators[0], ctx, func)
        return ("member", container) if container and not CACHE_NAME.search(container) else None
    if isinstance(test, ast.Subscript) and isinstance(test.slice, ast.Constant) and isinstance(test.slice.value, str):
        container = _shared(test.value, ctx, func)
        return ("flag", f"{container}[{test.slice.value!r}]") if container else None
    if isinstance(test, ast.Name | ast.Attribute):
        name = _shared(test, ctx, func)
        if name and (isinstance(test, ast.Attribute) or name in _function_names(func, ctx)[1]):
            return ("flag", name)
    return None


def _py_writes(stmt: ast.AST, kind: str, state: str) -> Iterator[int]:
    for sub in ast.walk(stmt):
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        targets: list[ast.expr] = []
        if isinstance(sub, ast.Assign):
            targets = sub.targets
        elif isinstance(sub, ast.AnnAssign | ast.AugAssign):
            targets = [sub.target]
        for target in targets:
            if kind == "member" and isinstance(target, ast.Subscript) and pyast.dotted(target.value) == state:
                yield target.lineno
            elif kind == "flag" and _flag_repr(target) == state:
                yield target.lineno
        if kind == "member" and isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            if sub.func.attr in REGISTRY_ADDS and pyast.dotted(sub.func.value) == state:
                yield sub.lineno


def _flag_repr(node: ast.AST) -> str | None:
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        container = pyast.dotted(node.value)
        return f"{container}[{node.slice.value!r}]" if container else None
    return pyast.dotted(node)


def _first_await(stmts: list[ast.stmt]) -> int | None:
    for stmt in stmts:
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Await | ast.AsyncWith | ast.AsyncFor):
                return sub.lineno
    return None


def _py_after(node: ast.If) -> list[ast.stmt]:
    """The statements that run after a guard `if` in its block."""
    parent = pyast.parent(node)
    for name in ("body", "orelse", "finalbody"):
        block = getattr(parent, name, None)
        if isinstance(block, list) and node in block:
            return block[block.index(node) + 1:]
    return []


def _py_memo(node: ast.If, following: list[ast.stmt], state: str) -> bool:
    """`if k in d: return d[k]` ... `v = await fetch(k)` ... `d[k] = v`: a memo of a fetched value.
    Two concurrent misses fetch twice and store the same answer; nothing is created twice."""
    returned = node.body[-1]
    if not (isinstance(returned, ast.Return) and isinstance(returned.value, ast.Subscript | ast.Call)):
        return False
    if pyast.dotted(returned.value.value if isinstance(returned.value, ast.Subscript) else returned.value.func) not in {state, f"{state}.get"}:
        return False
    awaited = {
        target.id
        for stmt in following
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Await)
        for target in stmt.targets
        if isinstance(target, ast.Name)
    }
    stored = [
        stmt.value
        for stmt in following
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Subscript) and pyast.dotted(t.value) == state for t in stmt.targets)
    ]
    return bool(stored) and all(isinstance(v, ast.Await) or (isinstance(v, ast.Name) and v.id in awaited) for v in stored)


@once_per_file
def _py_skip(ctx: PyContext) -> object:
    return is_script_like(ctx) or "await" not in ctx.text


@RULE.on_python(ast.If, skip_file=_py_skip)
def check_python(node: ast.If, ctx: PyContext) -> Iterator[Hit]:
    if _py_skip(ctx):
        return
    func = pyast.enclosing_function(node)
    if not isinstance(func, ast.AsyncFunctionDef):
        return
    found = _py_state(node.test, ctx, func)
    if found is None:
        return
    kind, state = found
    exits = bool(node.body) and isinstance(node.body[-1], ast.Return | ast.Raise | ast.Continue) and not node.orelse
    negated = isinstance(node.test, ast.UnaryOp) or (isinstance(node.test, ast.Compare) and isinstance(node.test.ops[0], ast.NotIn))
    # A guard (`if running: return`) protects what follows it; `if k not in d:` protects its body.
    following = _py_after(node) if exits else node.body if negated else []
    if not exits and kind == "flag" and isinstance(node.test, ast.UnaryOp) and isinstance(node.test.operand, ast.Name):
        return  # `if not _client: _client = await make()` on a global: PR-CC-001's lazy singleton
    if not following:
        return
    ctx.examine(RULE)
    if under_lock(node):
        return
    writes = [line for stmt in following for line in _py_writes(stmt, kind, state)]
    if not writes:
        return
    waited = _first_await(following)
    if waited is None or waited > min(writes):
        return  # set before anything can interleave (`d[k] = await f()` stores after the await)
    if exits and kind == "member" and _py_memo(node, following, state):
        return
    what = f"`{state}` is checked" if kind == "flag" else f"membership in `{state}` is checked"
    yield RULE.hit(
        node.test,
        f"{what} here but written only after an await (line {min(writes)}): concurrent calls of "
        f"{func.name}() all pass the check",
        anchor=func.name,
    )


# ---------------------------------------------------------------- JavaScript / TypeScript

JS_LANGS = (Language.JAVASCRIPT, Language.TYPESCRIPT)
JS_FUNCTIONS = {"function_declaration", "function_expression", "arrow_function", "method_definition", "function"}


def _is_async(func: Any) -> bool:
    return any(child.type == "async" for child in func.children)


def _js_shared(node: Any, module_lets: set[str]) -> str | None:
    source = text(node)
    if node.type == "member_expression" and source.startswith("this.") and source.count(".") == 1:
        return source
    if node.type == "identifier" and source in module_lets:
        return source
    return None


def _module_bindings(ctx: TreeContext) -> set[str]:
    names: set[str] | None = ctx.memo.get("cc007-module-bindings")
    if names is None:
        names = ctx.memo["cc007-module-bindings"] = _read_module_bindings(ctx)
    return names


def _read_module_bindings(ctx: TreeContext) -> set[str]:
    """Names declared at the top of the module (`let running = false`, `const sessions = new Map()`)."""
    names: set[str] = set()
    for child in ctx.root.children:
        decl = child
        if decl.type == "export_statement":
            decl = next((c for c in decl.children if c.type in {"lexical_declaration", "variable_declaration"}), decl)
        if decl.type in {"lexical_declaration", "variable_declaration"}:
            for declarator in decl.children:
                if declarator.type == "variable_declarator":
                    name = field(declarator, "name")
                    if name is not None and name.type == "identifier":
                        names.add(text(name))
    return names


def _js_state(test: Any, module_lets: set[str]) -> tuple[str, str, bool] | None:
    """(kind, state, negated) for `this.busy`, `!running`, `this.sessions.has(id)`, `!map.has(k)`."""
    negated = False
    while test.type in {"parenthesized_expression", "unary_expression"}:
        if test.type == "unary_expression":
            if text(test).startswith("!"):
                negated = not negated
            else:
                return None
        test = next((c for c in test.named_children), None)
        if test is None:
            return None
    if test.type == "call_expression":
        function = field(test, "function")
        if function is not None and function.type == "member_expression" and text(field(function, "property")) == "has":
            container = _js_shared(field(function, "object"), module_lets)
            if container and not CACHE_NAME.search(container):
                return ("member", container, negated)
        return None
    state = _js_shared(test, module_lets)
    return ("flag", state, negated) if state else None


def _js_writes(node: Any, kind: str, state: str) -> Iterator[int]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in JS_FUNCTIONS:
            continue
        if kind == "flag" and current.type == "assignment_expression" and text(field(current, "left")) == state:
            yield current.start_point[0] + 1
        if kind == "member" and current.type == "call_expression":
            function = field(current, "function")
            if (function is not None and function.type == "member_expression" and text(field(function, "property")) in {"set", "add"}
                    and text(field(function, "object")) == state):
                yield current.start_point[0] + 1
        stack.extend(current.children)


def _js_first_await(nodes: list[Any]) -> int | None:
    lines = []
    for node in nodes:
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type in JS_FUNCTIONS:
                continue
            if current.type == "await_expression" or (current.type == "for_in_statement" and "await" in text(current)[:12]):
                lines.append(current.start_point[0] + 1)
                continue
            stack.extend(current.children)
    return min(lines) if lines else None


def _js_exits(body: Any) -> bool:
    if body is None:
        return False
    if body.type == "statement_block":
        statements = [c for c in body.named_children if c.type != "comment"]
        return bool(statements) and statements[-1].type in {"return_statement", "throw_statement", "continue_statement"}
    return body.type in {"return_statement", "throw_statement", "continue_statement"}


def _js_memo(consequence: Any, following: list[Any], state: str) -> bool:
    """`if (m.has(k)) return m.get(k)` ... `const v = await f(k)` ... `m.set(k, v)`: a memo."""
    if f"{state}.get(" not in text(consequence):
        return False
    awaited = set()
    for statement in following:
        if statement.type == "lexical_declaration":
            for declarator in statement.named_children:
                value = field(declarator, "value")
                if value is not None and value.type == "await_expression":
                    awaited.add(text(field(declarator, "name")))
    stored = []
    for statement in following:
        for call in [statement, *statement.named_children]:
            inner = call.named_children[0] if call.type == "expression_statement" and call.named_children else call
            if inner.type == "call_expression" and text(field(inner, "function")) == f"{state}.set":
                argument_list = field(inner, "arguments")
                arguments = list(argument_list.named_children) if argument_list is not None else []
                stored.append(arguments[1] if len(arguments) > 1 else None)
    return bool(stored) and all(
        v is not None and (v.type == "await_expression" or (v.type == "identifier" and text(v) in awaited)) for v in stored
    )


@once_per_file
def _js_skip(ctx: TreeContext) -> object:
    return ctx.is_test_file or "await" not in ctx.text


@RULE.on_tree("if_statement", languages=JS_LANGS, skip_file=_js_skip)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _js_skip(ctx) or field(node, "alternative") is not None:
        return
    func = js.enclosing_function(node)
    if func is None or not _is_async(func) or not js.is_server_file(ctx):
        return
    condition = field(node, "condition")
    found = _js_state(condition, _module_bindings(ctx)) if condition is not None else None
    if found is None:
        return
    kind, state, negated = found
    consequence = field(node, "consequence")
    if _js_exits(consequence):
        parent = node.parent
        siblings = parent.named_children if parent is not None else []
        following = siblings[siblings.index(node) + 1:] if node in siblings else []
    elif negated and consequence is not None:
        following = [consequence]
    else:
        return
    if not following:
        return
    ctx.examine(RULE)
    writes = [line for child in following for line in _js_writes(child, kind, state)]
    if not writes:
        return
    waited = _js_first_await(following)
    if waited is None or waited > min(writes):
        return
    if kind == "member" and _js_exits(consequence) and _js_memo(consequence, following, state):
        return
    what = f"`{state}` is checked" if kind == "flag" else f"membership in `{state}` is checked"
    yield RULE.hit(
        condition,
        f"{what} here but written only after an await (line {min(writes)}): concurrent calls of "
        f"{js.function_name(func) or 'this function'}() all pass the check",
    )
