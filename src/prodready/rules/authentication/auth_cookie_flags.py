"""Session or token cookie set without HttpOnly or Secure

## What it does
Flags a cookie that carries a session, token or login state and is set without `HttpOnly` (or,
when `HttpOnly` is set, with no `Secure` at all): Go `http.SetCookie(w, &http.Cookie{...})`
literals and gin's `c.SetCookie(name, value, maxAge, path, domain, false, ...)`, Python `response.set_cookie("session", ...)` (Flask, Starlette/FastAPI, Django) and
Express `res.cookie("token", ...)` / a project's own `res.setCookie(name, value, {...})`. Cookies
being cleared (`MaxAge: -1`, `max_age=0`) and cookies meant for scripts (CSRF, language, theme) are
skipped; a `Secure` computed from the request (`Secure: r.TLS != nil`) counts as set.

## Why it matters in production
Without `HttpOnly` any script that runs on the page (one XSS, one compromised dependency) reads the
session token and replays it from anywhere. Without `Secure` the browser also sends it over plain
HTTP, where anyone on the network path copies it.

## Example
```go
http.SetCookie(w, &http.Cookie{Name: "session", Value: token, Path: "/"})
```

## Use instead
```go
http.SetCookie(w, &http.Cookie{Name: "session", Value: token, Path: "/",
    HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
```

## Known limitations
Options assembled in a variable or another function are not followed; cookie stores and session
middleware are PR-AU-203's and PR-AU-107's other checks.

## References
- https://owasp.org/www-community/HttpOnly
- https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies
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
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-203",
    name="go-session-cookie-defaults",
    aliases=("PR-AU-207",),
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO, Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Set HttpOnly and Secure (and SameSite=Lax or Strict) on every cookie that carries a session or token.",
    references=("https://owasp.org/www-community/HttpOnly",),
)

SENSITIVE = lazy_compile(r"(?i)sess|token|auth|jwt|login|\bsid\b|remember|refresh|access|passw|oidc|oauth|state|user|ident|key")
FOR_SCRIPTS = lazy_compile(r"(?i)csrf|xsrf|lang|locale|theme|consent|pref|timezone|\btz\b|flash|redirect|next_url")


# `"true"`, `1`, `false`: a flag for the page, not a credential
LITERAL_VALUE = lazy_compile(r"^(\"[^\"]{0,8}\"|'[^']{0,8}'|true|false|\d+)$")


def _sensitive(name: str, value: str) -> bool:
    return not FOR_SCRIPTS.search(name) and bool(SENSITIVE.search(name) or (not name and SENSITIVE.search(value)))


def _message(missing: str) -> str:
    if missing == "HttpOnly":
        return "session/token cookie set without HttpOnly: any script on the page can read and replay it"
    return "session/token cookie set without Secure: the browser also sends it over plain HTTP"


# -- Go ---------------------------------------------------------------------------------------------

@RULE.on_tree("composite_literal", languages=(Language.GO,), skip_file=in_test_code)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if go.composite_type(node) not in {"http.Cookie", "&http.Cookie"} or non_production(ctx.path, ctx.is_test_file):
        return
    keys = go.keyed_elements(node)
    name_node = keys.get("Name")
    name = text(name_node) if name_node is not None and name_node.type != "call_expression" else ""
    value = text(keys["Value"]) if "Value" in keys else ""
    if not _sensitive(name, value) or LITERAL_VALUE.match(value):
        return
    ctx.examine(RULE)
    max_age = text(keys["MaxAge"]) if "MaxAge" in keys else ""
    if max_age.startswith("-") or value in {'""', "``"} or "Unix(0" in (text(keys["Expires"]) if "Expires" in keys else ""):
        return  # the cookie is being cleared
    if "HttpOnly" not in keys or text(keys["HttpOnly"]) == "false":
        yield RULE.hit(node, _message("HttpOnly"))
    elif "Secure" not in keys or text(keys["Secure"]) == "false":
        yield RULE.hit(node, _message("Secure"))


@RULE.on_tree("call_expression", languages=(Language.GO,), skip_file=in_test_code)
def check_gin(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """gin's `c.SetCookie(name, value, maxAge, path, domain, secure, httpOnly)` with a flag passed as
    a literal `false`."""
    parts = go.call_parts(node)
    if parts is None or parts[1] != "SetCookie" or non_production(ctx.path, ctx.is_test_file):
        return
    args = go.call_args(node)
    if len(args) != 7:
        return
    name, value, max_age = (text(arg).strip() for arg in args[:3])
    if not _sensitive(name.strip('"'), value) or LITERAL_VALUE.match(value) or value in {'""', "``"} or max_age.startswith("-"):
        return  # not a credential, or the cookie is being cleared
    ctx.examine(RULE)
    if text(args[6]).strip() == "false":
        yield RULE.hit(node, _message("HttpOnly"))
    elif text(args[5]).strip() == "false":
        yield RULE.hit(node, _message("Secure"))


# -- Python -----------------------------------------------------------------------------------------

def _py_flag(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


@RULE.on_python(ast.Call, skip_file=is_script_like)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if not isinstance(node.func, ast.Attribute) or node.func.attr != "set_cookie" or ctx.is_test_file or is_script_like(ctx):
        return
    key = _py_flag(node, "key") or (node.args[0] if node.args else None)
    value = _py_flag(node, "value") or (node.args[1] if len(node.args) > 1 else None)
    name = pyast.const_str(key) or ""  # a name from a variable says nothing (httpbin's /cookies/set)
    if not _sensitive(name, ast.unparse(value) if value is not None else "") or isinstance(value, ast.Constant):
        return
    ctx.examine(RULE)
    max_age = _py_flag(node, "max_age")
    if isinstance(max_age, ast.Constant) and max_age.value == 0 or isinstance(value, ast.Constant) and value.value == "":
        return
    if any(k.arg is None for k in node.keywords):
        return  # **options: assembled elsewhere
    httponly, secure = _py_flag(node, "httponly"), _py_flag(node, "secure")
    if httponly is None or isinstance(httponly, ast.Constant) and httponly.value is False:
        yield RULE.hit(node, _message("HttpOnly"))
    elif secure is None or isinstance(secure, ast.Constant) and secure.value is False:
        yield RULE.hit(node, _message("Secure"))


# -- JavaScript / TypeScript ----------------------------------------------------------------------

def _js_setter(name: str) -> bool:
    return name.endswith((".cookie", ".setCookie")) and name.split(".")[0] in {"res", "response", "reply", "ctx"}


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=_js_setter,
              skip_file=js.test_or_script)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path) or not _js_setter(js.callee(node)):
        return
    args = js.args(node)
    if len(args) < 2:
        return
    name = text(args[0]).strip("'\"`") if args[0].type == "string" else ""
    if not _sensitive(name, text(args[1])) or LITERAL_VALUE.match(text(args[1])):
        return
    ctx.examine(RULE)
    options = text(args[2]) if len(args) > 2 else ""
    if len(args) > 2 and args[2].type != "object":
        return  # options built elsewhere
    if re.search(r"maxAge:\s*(0|-)|expires:\s*new Date\(0\)", options) or text(args[1]) in {"''", '""', "``"}:
        return
    if not re.search(r"httpOnly:\s*(?!false)", options):
        yield RULE.hit(node, _message("HttpOnly"))
    elif not re.search(r"secure:\s*(?!false)", options):
        yield RULE.hit(node, _message("Secure"))
