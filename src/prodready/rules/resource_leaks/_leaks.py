"""Does a function release what it acquired? Shared by the resource-leak rules."""

from __future__ import annotations

import ast

from prodready.lang import python as pyast


def in_with(node: ast.AST) -> bool:
    parent = pyast.parent(node)
    if isinstance(parent, ast.Await):
        parent = pyast.parent(parent)
    return isinstance(parent, ast.withitem)


def assigned_local(node: ast.Call) -> str | None:
    """`x = factory(...)` (or `x = await factory(...)`) -> "x"."""
    parent = pyast.parent(node)
    if isinstance(parent, ast.Await):
        parent = pyast.parent(parent)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1:
        return pyast.dotted(parent.targets[0])
    if isinstance(parent, ast.AnnAssign):
        return pyast.dotted(parent.target)
    return None


def escapes_or_released(func: ast.AST, name: str, release: set[str]) -> bool:
    """The object is closed, used as a context manager, returned/yielded, or stored elsewhere."""
    for sub in ast.walk(func):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            if pyast.dotted(sub.func.value) == name and sub.func.attr in release:
                return True
            if sub.func.attr in {
                "enter_context",
                "enter_async_context",
                "callback",
                "push_async_callback",
                "add_done_callback",
            }:
                if any(
                    pyast.dotted(a) == name
                    or (isinstance(a, ast.Attribute) and pyast.dotted(a.value) == name)
                    for a in sub.args
                ):
                    return True
        if isinstance(sub, ast.withitem) and (
            pyast.dotted(sub.context_expr) == name
            or any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(sub.context_expr))
        ):
            return True  # `with x:` or `with session_cleanup(x):`
        if isinstance(sub, ast.Return | ast.Yield | ast.YieldFrom) and sub.value is not None:
            values = sub.value.elts if isinstance(sub.value, ast.Tuple | ast.List) else [sub.value]
            if any(isinstance(v, ast.Name) and v.id == name for v in values):
                return True
        if isinstance(sub, ast.Assign):
            # stored on self / in a container / handed to another object: it outlives the call
            if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(sub.value)) and any(
                not isinstance(t, ast.Name) for t in sub.targets
            ):
                return True
        if isinstance(sub, ast.Call) and not (
            isinstance(sub.func, ast.Attribute) and pyast.dotted(sub.func.value) == name
        ):
            # passed to a function that may take ownership (e.g. Response(stream=f))
            callee = pyast.dotted(sub.func) or ""
            if callee.split(".")[-1][:1].isupper() and any(
                isinstance(a, ast.Name) and a.id == name for a in sub.args
            ):
                return True
    return False
