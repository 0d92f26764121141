"""Tiny intra-function taint: which local names hold request-controlled data."""

from __future__ import annotations

import ast

from prodready.lang import python as pyast

ROUTE_DECORATORS = {
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "route",
    "api_route",
    "websocket",
    "head",
    "options",
}
REQUEST_SOURCES = (
    "request.",
    "websocket.",
    "ws.",
    "req.",
    "flask.request",
    "self.request",
)
REQUEST_CALLS = {
    "json",
    "get_json",
    "receive_json",
    "receive_text",
    "receive",
    "form",
    "args",
    "query_params",
    "path_params",
    "body",
    "recv",
}
SAFE_PARAM_TYPES = {"int", "float", "bool", "UUID", "uuid.UUID", "datetime", "date"}


def is_route_handler(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in ROUTE_DECORATORS:
            return True
    return False


def tainted_names(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Route parameters (not typed as int/UUID/...) plus locals assigned from them or from the request."""
    names: set[str] = set()
    if is_route_handler(func):
        for arg in func.args.args + func.args.kwonlyargs:
            annotation = pyast.dotted(arg.annotation) if arg.annotation is not None else None
            if annotation in SAFE_PARAM_TYPES or arg.arg in {
                "self",
                "db",
                "session",
                "user",
                "current_user",
                "settings",
            }:
                continue
            names.add(arg.arg)
    for _ in range(3):  # propagate through a few assignments
        for node in ast.walk(func):
            if isinstance(node, ast.Assign) and _mentions_taint(node.value, names):
                for target in node.targets:
                    for sub in ast.walk(target):
                        if isinstance(sub, ast.Name):
                            names.add(sub.id)
    return names


def _mentions_taint(node: ast.AST, names: set[str]) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in names:
            return True
        text = pyast.dotted(sub) if isinstance(sub, ast.Attribute) else None
        if text and (
            text.startswith(REQUEST_SOURCES)
            and text.split(".")[-1] in REQUEST_CALLS | {"files", "data", "values", "cookies", "headers"}
        ):
            return True
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr in REQUEST_CALLS
        ):
            owner = (pyast.dotted(sub.func.value) or "").split(".")[-1]
            if owner in {"request", "websocket", "ws", "req"}:
                return True
    return False


def mentions(node: ast.AST, names: set[str]) -> bool:
    return _mentions_taint(node, names)
