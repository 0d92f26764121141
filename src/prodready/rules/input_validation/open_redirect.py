"""Redirect to an address taken from the request (open redirect)

## What it does
Flags a redirect whose target is a query or form value (`?next=`, `?goto=`, `?redirect=`,
`?return=`), read directly or through local variables of the same handler, when the handler never
checks where it points: Flask/Django `redirect(...)`, `HttpResponseRedirect`, Starlette
`RedirectResponse`; Go `http.Redirect(w, r, target, code)`, gin/echo/fiber `c.Redirect(...)` and a
returned error value that carries a redirect status; Express/Koa `res.redirect(...)`.

## Why it matters in production
`https://your.site/login?next=https://evil.example` sends users who trust your domain to a page
that looks like yours: the classic phishing hop after a login, and with OAuth flows a way to leak
codes and tokens in the Referer or the URL.

## Example
```python
@app.route("/login", methods=["POST"])
def login():
    goto = request.args.get("goto", url_for("home"))
    ...
    return redirect(goto)
```

## Use instead
```python
from django.utils.http import url_has_allowed_host_and_scheme

goto = request.args.get("goto", "")
if not url_has_allowed_host_and_scheme(goto, allowed_hosts={request.host}):
    goto = url_for("home")
return redirect(goto)
```

## Known limitations
Only the handler itself is read: a check in a helper it calls counts only when the helper's name
says so (`is_safe_url`, `safeRedirect`). Any host, prefix or allow-list check in the handler
silences it, even one that can be bypassed (`//evil.example`).

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html
- https://cwe.mitre.org/data/definitions/601.html
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang.treesitter import descendants, line_of, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-011",
    name="open-redirect",
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Redirect only to a path on this site or a host on an allow-list (url_has_allowed_host_and_scheme, "
    "a parsed URL whose host is checked); fall back to a fixed page otherwise.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html",),
)

# Query and form values (not path parameters: `/items/<id>` cannot hold another site's address).
PY_SOURCE = lazy_compile(r"\brequest\.(args|form|values|GET|POST|query_params|params)\b\s*(\.get\(|\[)")
GO_SOURCE = lazy_compile(
    r"\b\w+\.(URL\.Query\(\)\.Get|FormValue|PostFormValue|DefaultQuery|QueryParam|PostForm|DefaultPostForm)\(|"
    r"\b(c|ctx)\.Query\(\s*\""
)
JS_SOURCE = lazy_compile(r"\b(req|request|ctx\.request|ctx)\.(query|body)\b|\bsearchParams\.get\(")
# Any of these in the handler means the target is checked somewhere: stay silent.
GUARD = lazy_compile(
    r"(?i)url_has_allowed_host|is_safe_url|safe_?(url|redirect|next|return)|valid(ate)?_?(redirect|return|next|url)|"
    r"netloc|urlsplit|urlparse|startswith\(|HasPrefix|IsAbs\(|\.Host\b|Hostname\(|\.hostname\b|\.host\b|"
    r"startsWith\(|new URL\(|allow(ed)?_?(list|hosts?|origins?|redirects?)|whitelist|is_?local|same_?origin|relative"
)
MESSAGE = (
    "redirects to {target}, taken from the request with no check that it stays on this site: a link to this "
    "domain sends users to any address (phishing after login, leaked OAuth codes)"
)


def _message(target: str) -> str:
    return MESSAGE.format(target=f"`{target[:40]}`")


# ---------------------------------------------------------------- Python

PY_SINKS = frozenset({"redirect", "HttpResponseRedirect", "HttpResponsePermanentRedirect", "RedirectResponse"})


def _py_tainted(func: ast.AST) -> dict[str, int]:
    """Local names assigned from a query/form value (directly or through another such name): name -> line."""
    names: dict[str, int] = {}
    assigns = [n for n in ast.walk(func) if isinstance(n, ast.Assign | ast.AnnAssign) and n.value is not None]
    for _ in range(2):
        for node in assigns:
            value = ast.unparse(node.value)  # type: ignore[arg-type]
            # the value itself (`request.args.get("next", "/")`, `nxt or "/"`), not one handed to a helper
            # (`safe_location(request.args.get("next"))`) or built into another address
            if not (PY_SOURCE.match(value) or _whole(value, names)):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    names.setdefault(target.id, node.lineno)
    return names


def _py_target(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg in {"url", "location", "redirect_to"}:
            return keyword.value
    return call.args[0] if call.args else None


def _whole(expr: str, names: dict[str, int]) -> str | None:
    """The tainted name when the expression is that value as a whole (`goto`, `goto or "/"`,
    `u.String()`): a value glued behind a fixed prefix cannot leave the site."""
    head = re.split(r"\s+(?:or|\|\||\?\?)\s+", expr.strip(), maxsplit=1)[0].strip()
    head = re.sub(r"\.String\(\)$", "", head)
    return head if head in names else None


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=lambda ctx: in_test_file(ctx) or "redirect" not in ctx.text.lower())
def check_python(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if in_test_file(ctx):
        return
    names = _py_tainted(func)
    for node in ast.walk(func):
        if not isinstance(node, ast.Call) or (ctx.call_name(node) or "").rsplit(".", 1)[-1] not in PY_SINKS:
            continue
        target = _py_target(node)
        if target is None:
            continue
        source = ast.unparse(target)
        name = _whole(source, names)
        if name is None and not PY_SOURCE.match(source):
            continue
        ctx.examine(RULE)
        if GUARD.search(ast.unparse(func)):
            return
        related = ((names[name], f"`{name}` read from the request here"),) if name and names[name] != node.lineno else ()
        yield Hit(line=node.lineno, end_line=node.end_lineno, message=_message(source), related=related)
        return


# ---------------------------------------------------------------- Go and JS (text of one function)

DESTRUCTURING = re.compile(r"^\s*(?:const|let|var)\s*\{([^}]*)\}\s*=\s*(.+)$")
ASSIGNMENT = re.compile(r"^\s*(?:const|let|var)?\s*([A-Za-z_]\w*)(?:\s*,\s*[A-Za-z_]\w*)*\s*(?::=|=)\s*(.+)$")


def _tree_tainted(function: Any, source: re.Pattern[str]) -> dict[str, int]:
    names: dict[str, int] = {}
    start = function.start_point[0] + 1
    lines = text(function).splitlines()
    for offset, line in enumerate(lines):  # `const { next, returnTo } = req.query`
        match = DESTRUCTURING.match(line)
        if match is not None and source.search(match.group(2)):
            for name in re.findall(r"(?:^|,)\s*(?:\w+\s*:\s*)?([A-Za-z_]\w*)", match.group(1)):
                names.setdefault(name, start + offset)
    for _ in range(2):
        for offset, line in enumerate(lines):
            match = ASSIGNMENT.match(line)
            if match is None or match.group(1) in names:
                continue
            value = match.group(2).strip().rstrip(";")
            # the source itself, or a tainted value handed on whole (`to = next`, `u, err := url.Parse(next)`)
            handed_on = _whole(re.sub(r"^url\.Parse(RequestURI)?\((.*)\)$", r"\2", value), names)
            if source.search(value) or handed_on is not None:
                names[match.group(1)] = start + offset
    return names


STATUS = re.compile(r"^(http\.Status\w+|\d{3}|fiber\.Status\w+)$")
REDIRECT_STATUS = re.compile(r"\bStatus(TemporaryRedirect|Found|SeeOther|MovedPermanently|PermanentRedirect)\b")


def _go_target(call: Any) -> Any:
    arguments = go.call_args(call)
    if go.callee(call) == "http.Redirect":
        return arguments[2] if len(arguments) >= 3 else None
    if len(arguments) >= 2 and STATUS.match(text(arguments[0])):
        return arguments[1]
    return arguments[0] if arguments else None


def _tree_hit(sink: Any, target: str, function: Any, names: dict[str, int], source: re.Pattern[str]) -> Hit | None:
    name = _whole(target, names)
    if name is None and not source.fullmatch(target.strip()) and not source.match(target.strip()):
        return None
    if GUARD.search(text(function)):
        return None
    related = ((names[name], f"`{name}` read from the request here"),) if name and names[name] != line_of(sink) else ()
    return Hit(line=line_of(sink), message=_message(target), related=related)


@RULE.on_tree("function_declaration", "method_declaration", "func_literal", languages=(Language.GO,),
              skip_file=lambda ctx: in_test_code(ctx) or "Redirect" not in ctx.text and '"Location"' not in ctx.text)
def check_go(function: Any, ctx: TreeContext) -> Iterator[Hit]:
    if in_test_code(ctx):
        return
    if go.enclosing_function(function) is not None and function.type == "func_literal":
        return  # read as part of the function it sits in
    names = _tree_tainted(function, GO_SOURCE)
    if not names and not GO_SOURCE.search(text(function)):
        return
    for call in descendants(function, "call_expression"):
        callee = go.callee(call)
        if callee.endswith("Header().Set") and text(go.call_args(call)[0]) == '"Location"':
            target = go.call_args(call)[1] if len(go.call_args(call)) == 2 else None
        elif callee.endswith("Redirect"):
            target = _go_target(call)
        else:
            continue
        if target is None:
            continue
        ctx.examine(RULE)
        hit = _tree_hit(call, text(target), function, names, GO_SOURCE)
        if hit is not None:
            yield hit
            return
    # `return impart.HTTPError{http.StatusTemporaryRedirect, redirectTo}`: the framework redirects
    for literal in descendants(function, "composite_literal"):
        body = literal.child_by_field_name("body")
        if body is None or not REDIRECT_STATUS.search(text(body)):
            continue
        for element in descendants(body, "literal_element"):
            hit = _tree_hit(literal, text(element), function, names, GO_SOURCE)
            if hit is not None:
                ctx.examine(RULE)
                yield hit
                return


JS_FUNCTIONS = ("arrow_function", "function_expression", "function_declaration", "method_definition")


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              callee=lambda c: c.endswith(".redirect"),
              skip_file=lambda ctx: not js.is_server_file(ctx))
def check_js(call: Any, ctx: TreeContext) -> Iterator[Hit]:
    owner, _, method = js.callee(call).rpartition(".")
    if method != "redirect" or owner not in {"res", "response", "ctx", "reply", "c"} or not js.is_server_file(ctx):
        return
    arguments = js.args(call)
    if not arguments:
        return
    target = arguments[1] if len(arguments) >= 2 and text(arguments[0]).isdigit() else arguments[0]
    function = js.enclosing_function(call)
    if function is None:
        return
    ctx.examine(RULE)
    hit = _tree_hit(call, text(target), function, _tree_tainted(function, JS_SOURCE), JS_SOURCE)
    if hit is not None:
        yield hit
