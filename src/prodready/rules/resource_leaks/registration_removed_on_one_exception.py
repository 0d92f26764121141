"""Connection registry cleaned up only for one exception

## What it does
In a Python function that registers something in a long-lived collection — a WebSocket in
`active_connections[id] = websocket`, a client in `clients.add(ws)`, a job in `self.jobs[id] = job`
— flags the cleanup when it sits only in an `except` clause for one specific exception
(`except WebSocketDisconnect: active_connections.pop(id)`) and no `finally` removes the entry.
Also flags a deregistration that runs only when the peer disconnects (`except WebSocketDisconnect:
manager.disconnect(ws)`), wherever the connection was registered, when no `finally` or broad
handler of the same `try` covers the other exits.

## Why it matters in production
The happy path is not the only way out of a handler. A timeout, a failed LLM or database call, a
bug in a message handler or a cancelled task leaves by another exception, skips that `except`,
and the entry stays in the collection forever: memory grows with every failed connection, and
broadcasts keep writing to sockets that are gone (each write failing again). Under load this is
the slow leak that only a restart clears.

## Example
```python
active_connections[connection_id] = websocket
try:
    while True:
        await handle(await websocket.receive_json())
except WebSocketDisconnect:
    active_connections.pop(connection_id, None)
```

## Use instead
```python
active_connections[connection_id] = websocket
try:
    while True:
        await handle(await websocket.receive_json())
except WebSocketDisconnect:
    pass
finally:
    active_connections.pop(connection_id, None)
```

## Known limitations
Outside disconnect handlers, only registrations and removals written in the same function are
compared; a `with` block or a helper that does the cleanup is not followed. A `finally` of any
content is trusted to clean up.

## References
- https://docs.python.org/3/reference/compound_stmts.html#finally
- https://fastapi.tiangolo.com/advanced/websockets/#handling-disconnections-and-multiple-clients
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RL-006",
    name="registration-removed-on-one-exception",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Remove the entry in a `finally:` block so every exit path (any exception, cancellation) cleans up.",
    references=("https://docs.python.org/3/reference/compound_stmts.html#finally",),
)

ADDERS = frozenset({"add", "append"})
REMOVERS = frozenset({"pop", "remove", "discard"})
BROAD = frozenset({"Exception", "BaseException"})
# Exceptions that mean "the peer went away": a handler for one of them that deregisters the
# connection (`manager.disconnect(ws)`) is connection cleanup, wherever the registration was made.
DISCONNECTS = frozenset({"WebSocketDisconnect", "ConnectionClosed", "ConnectionClosedOK", "ConnectionClosedError",
                         "ClientDisconnected", "ClientDisconnect"})
DEREGISTERS = frozenset({"disconnect", "unsubscribe", "unregister", "deregister", "leave", "detach",
                         "remove_connection", "remove_client", "remove_subscriber", "remove"})


def _collection(target: ast.AST) -> str | None:
    """`registry` or `self.registry` of `registry[key]`, `registry.add(...)`: a long-lived name."""
    name = pyast.dotted(target)
    return name if name and (name.startswith("self.") or "." not in name) else None


def _registrations(func: ast.AST) -> dict[str, ast.AST]:
    found: dict[str, ast.AST] = {}
    for node in pyast.walk_shallow(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            name = _collection(node.targets[0].value)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute) \
                and node.value.func.attr in ADDERS:
            name = _collection(node.value.func.value)
        else:
            continue
        if name is not None:
            found.setdefault(name, node)
    return found


def _caught(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {(pyast.dotted(kind) or "").split(".")[-1] for kind in kinds if kind is not None}


def _deregisters(statements: list[ast.stmt]) -> ast.Call | None:
    """The first `manager.disconnect(...)`-like call (or removal from a collection) in `statements`."""
    for node in ast.walk(ast.Module(body=statements, type_ignores=[])):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
            node.func.attr in DEREGISTERS or node.func.attr in REMOVERS and _collection(node.func.value)
        ):
            return node
    return None


def _removes(statements: list[ast.stmt], name: str) -> bool:
    for node in ast.walk(ast.Module(body=statements, type_ignores=[])):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in REMOVERS \
                and pyast.dotted(node.func.value) == name:
            return True
        if isinstance(node, ast.Delete) and any(
            isinstance(t, ast.Subscript) and pyast.dotted(t.value) == name for t in node.targets
        ):
            return True
    return False


@once_per_file
def _no_cleanup_in_handler(ctx: PyContext) -> object:
    """skip_file=: a removal inside an `except` needs both words in the file (a deregistration
    on disconnect, a disconnect exception)."""
    text = ctx.text
    return ctx.is_test_file or "except" not in text or not any(
        word in text for word in (".pop(", ".remove(", ".discard(", "del ", "Disconnect", "ConnectionClosed"))


def _cleaning_functions(ctx: PyContext) -> set[int]:
    """ids of the functions holding an `except` clause (other than a broad one) that removes
    something: the only functions worth reading (found once per file from the engine's index)."""
    known = ctx.memo.get("rl-006-functions")
    if known is None:
        known = set()
        for handler in ctx.nodes_of(ast.ExceptHandler):
            if handler.type is None or (pyast.dotted(handler.type) or "").split(".")[-1] in BROAD:
                continue
            if _caught(handler) & DISCONNECTS and _deregisters(handler.body) is not None or any(isinstance(n, ast.Delete) or isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                   and n.func.attr in REMOVERS for stmt in handler.body for n in ast.walk(stmt)):
                function = pyast.enclosing_function(handler)
                if function is not None:
                    known.add(id(function))
        ctx.memo["rl-006-functions"] = known
    return known


@RULE.on_python(ast.AsyncFunctionDef, ast.FunctionDef, skip_file=_no_cleanup_in_handler)
def check(func: ast.AsyncFunctionDef | ast.FunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if _no_cleanup_in_handler(ctx) or id(func) not in _cleaning_functions(ctx):
        return
    registered = _registrations(func)
    tries = [node for node in pyast.walk_shallow(func) if isinstance(node, ast.Try)]
    if not registered:
        yield from _disconnect_only(func, tries, ctx)
        return
    for name, where in registered.items():
        ctx.examine(RULE)
        if any(_removes(t.finalbody, name) for t in tries):
            continue
        in_handlers = [
            handler for t in tries for handler in t.handlers
            if _removes(handler.body, name)
        ]
        if not in_handlers or any(
            handler.type is None or (pyast.dotted(handler.type) or "").split(".")[-1] in BROAD for handler in in_handlers
        ):
            continue  # removed on every failure (or never in a handler: another rule's business)
        if _removes([stmt for t in tries for stmt in t.body + t.orelse], name) or _removes(
            [stmt for stmt in func.body if not isinstance(stmt, ast.Try)], name
        ):
            continue  # the normal path removes it too
        handler = in_handlers[0]
        caught = ast.unparse(handler.type) if handler.type is not None else "?"
        yield RULE.hit(
            handler,
            f"`{name}` (registered on line {getattr(where, 'lineno', '?')}) is cleaned up only on {caught}: "
            "any other exception leaves the entry behind",
            anchor=func.name,
        )


def _disconnect_only(func: ast.AsyncFunctionDef | ast.FunctionDef, tries: list[ast.Try], ctx: PyContext) -> Iterator[Hit]:
    """A connection registered elsewhere (`manager.connect(ws)`, another method's `append`) and
    deregistered only when the peer disconnects: every other exception leaves it registered."""
    for node in tries:
        for handler in node.handlers:
            caught = _caught(handler) & DISCONNECTS if handler.type is not None else set()
            call = _deregisters(handler.body) if caught else None
            if call is None:
                continue
            ctx.examine(RULE)
            if node.finalbody or any(
                other.type is None or _caught(other) & BROAD for other in node.handlers if other is not handler
            ):
                continue  # a finally or a broad handler covers the other exits
            yield RULE.hit(
                handler,
                f"`{ast.unparse(call.func)}(...)` runs only on {min(caught)}: any other exception (a failed send, "
                "a bug in a message handler, a cancelled task) leaves the connection registered",
                anchor=func.name,
            )
            break
