"""Python facts about request bodies: where a Flask app buffers a whole body or upload, and whether
a body size limit (`MAX_CONTENT_LENGTH`) is configured anywhere."""

from __future__ import annotations

import ast
import re

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import FactCollector

FACTS = FactCollector("python-body")

LIMIT_KEYS = ("MAX_CONTENT_LENGTH",)
DEV_SETTINGS = re.compile(r"(?i)(^|/)(dev|development|local|test\w*|ci|debug)(_settings)?\.py$|/settings/(dev|local|test)")
SETS_SECURE = re.compile(r"(?i)\b(SESSION|CSRF|REMEMBER)_COOKIE_SECURE\b['\"]?\s*(:\s*\w+\s*)?(=(?!=)|\]\s*=(?!=)|:)")
SETS_SESSION_COOKIE = re.compile(r"\bSESSION_COOKIE_\w+['\"]?\s*(:\s*\w+\s*)?(=(?!=)|\]\s*=(?!=)|:)")
SETS_SECRET_KEY = re.compile(r"\bSECRET_KEY['\"]?\s*(:\s*\w+\s*)?(=(?!=)|\]\s*=(?!=))")
SECURE_KEYS = frozenset({"SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"})
OFF = frozenset({"false", "0", "no", "off", ""})


def _is_off(value: ast.expr) -> bool:
    """`False`, or an environment read whose default is false (`os.environ.get("X") or "False"`,
    `env.bool("X", default=False)`, `getenv("X", "0")`)."""
    if isinstance(value, ast.Constant):
        return value.value is False or value.value is None or isinstance(value.value, str) and value.value.strip().lower() in OFF - {""}
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        return _is_off(value.values[-1])
    if isinstance(value, ast.Call):
        if any(k.arg in {"default", "fallback"} and _is_off(k.value) for k in value.keywords):
            return True
        name = pyast.dotted(value.func) or ""
        if name.endswith(("get", "getenv", "bool", "getboolean")) and len(value.args) >= 2:
            return _is_off(value.args[1])
        return len(value.args) == 1 and not value.keywords and _is_off(value.args[0])  # bool(strtobool(... or "False"))
    return False


def _insecure_cookie_defaults(ctx: PyContext) -> list[tuple[int, str]]:
    """`SESSION_COOKIE_SECURE = env.bool(..., default=False)`, `'session_cookie_secure': False`: the
    Secure flag is off unless an operator turns it on."""
    found = []
    for node in ctx.nodes_of(ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id in SECURE_KEYS and _is_off(node.value):
                found.append((node.lineno, target.id))
    for node in ctx.nodes_of(ast.Dict):
        if pyast.enclosing_function(node) is not None:
            continue  # settings computed at run time (a quickstart that turns Secure off for plain HTTP)
        for key, value in zip(node.keys, node.values, strict=False):
            name = pyast.const_str(key)
            if name and name.upper() in SECURE_KEYS and _is_off(value):
                found.append((value.lineno, name.upper()))
    return found


@FACTS.on_python(ast.Module, skip_file=in_test_file)
def collect(tree: ast.Module, ctx: PyContext) -> None:
    if ctx.is_test_file:
        return
    if "COOKIE_SECURE" in ctx.text.upper():
        # set somewhere (an assignment, a keyword, a dict key), not only read (`config.get("REMEMBER_COOKIE_SECURE")`)
        line = next((n for n, text in enumerate(ctx.lines, start=1) if SETS_SECURE.search(text)), None)
        if line is not None:
            ctx.emit("signal", line=line, name="session-cookie-secure", detail="SESSION_COOKIE_SECURE")
        if not DEV_SETTINGS.search(ctx.path):
            for number, setting in _insecure_cookie_defaults(ctx):
                ctx.emit("signal", line=number, name="cookie-secure-off-by-default", detail=setting)
    if "INSTALLED_APPS" not in ctx.text and ("SESSION_COOKIE_" in ctx.text or ctx.imports_module("flask")):
        # where a Flask app's session is configured: its SESSION_COOKIE_* settings, else its SECRET_KEY
        line = next((n for n, text in enumerate(ctx.lines, start=1) if SETS_SESSION_COOKIE.search(text)), None)
        setting = "SESSION_COOKIE_"
        if line is None and ctx.imports_module("flask"):
            line, setting = next((n for n, text in enumerate(ctx.lines, start=1) if SETS_SECRET_KEY.search(text)), None), "SECRET_KEY"
        if line is not None:
            ctx.emit("signal", line=line, name="flask-session-settings", detail=setting)
    if ctx.imports_module("flask_login", "flask_session", "flask.session", "flask_security"):
        ctx.emit("signal", line=1, name="flask-session-use", detail="session cookie")
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
