"""Python facts about request bodies: where a Flask app buffers a whole body or upload, and whether
a body size limit (`MAX_CONTENT_LENGTH`) is configured anywhere."""

from __future__ import annotations

import ast

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import FactCollector

FACTS = FactCollector("python-body")

LIMIT_KEYS = ("MAX_CONTENT_LENGTH",)


@FACTS.on_python(ast.Module, skip_file=in_test_file)
def collect(tree: ast.Module, ctx: PyContext) -> None:
    if ctx.is_test_file:
        return
    if "SESSION_COOKIE_SECURE" in ctx.text or "REMEMBER_COOKIE_SECURE" in ctx.text:
        line = next((n for n, text in enumerate(ctx.lines, start=1) if "COOKIE_SECURE" in text), None)
        ctx.emit("signal", line=line, name="session-cookie-secure", detail="SESSION_COOKIE_SECURE")
    if "INSTALLED_APPS" in ctx.text and ("django.contrib.sessions" in ctx.text or "SessionMiddleware" in ctx.text):
        ctx.emit("signal", line=_cookie_settings_line(ctx), name="django-settings", detail="sessions")
    for key in LIMIT_KEYS:
        if key in ctx.text:
            line = next((n for n, text in enumerate(ctx.lines, start=1) if key in text), None)
            ctx.emit("signal", line=line, name="body-limit", detail=key)
    if not ctx.imports_module("flask"):
        return
    for call in ctx.nodes_of(ast.Call):
        detail = _buffers_body(call)
        if detail:
            ctx.emit("signal", line=call.lineno, name="reads-whole-body", detail=detail)


def _cookie_settings_line(ctx: PyContext) -> int | None:
    """Where a reviewer reads the cookie settings: the first SESSION_COOKIE_*/CSRF_COOKIE_* setting,
    else MIDDLEWARE, else INSTALLED_APPS."""
    for prefixes in (("SESSION_COOKIE_", "CSRF_COOKIE_"), ("MIDDLEWARE",), ("INSTALLED_APPS",)):
        for number, line in enumerate(ctx.lines, start=1):
            if line.lstrip().startswith(prefixes) and "=" in line:
                return number
    return None


def _buffers_body(call: ast.Call) -> str | None:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    callee = pyast.dotted(func) or ""
    if callee in {"request.get_data", "flask.request.get_data", "request.stream.read"}:
        return f"{callee}()"
    if func.attr == "read" and not call.args:
        owner = func.value
        text = ast.unparse(owner)
        if "request.files" in text:
            return f"{text}.read()"
        if isinstance(owner, ast.Name):
            function = pyast.enclosing_function(call)
            if function is not None and _from_request_files(function, owner.id):
                return f"{owner.id}.read() (an upload from request.files)"
    return None


def _from_request_files(function: ast.AST, name: str) -> bool:
    for node in pyast.walk_shallow(function):
        if isinstance(node, ast.For) and "request.files" in ast.unparse(node.iter):
            if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node.target)):
                return True
        if isinstance(node, ast.Assign) and "request.files" in ast.unparse(node.value):
            if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                return True
    return False
