"""Outbound HTTP response used without checking its status

## What it does
Flags an outbound request whose response status is never looked at in the function that made it:
Go `resp, err := client.Do(req)` / `http.Post(...)` with no `resp.StatusCode` (or a response thrown
away with `_`); Python `requests` / `httpx` calls with no `raise_for_status()`, `status_code` or
`.ok` (including `requests.post(...).json()` chained, and a call whose result is dropped); JavaScript
`fetch(...)` with no `res.ok` / `res.status`. A response returned to the caller, or handed to
another function, is left to that code. Libraries that throw on 4xx/5xx by default (axios, got, ky)
are not flagged.

## Why it matters in production
HTTP clients only fail on network errors: a 401 from an expired key, a 429 from a rate limit or a
500 from the provider comes back as a normal response. Code that does not look at the status
reports success for a webhook that was refused, a mail that was never accepted or an object that
was never deleted, or parses an error page as data and fails far from the cause.

## Example
```python
requests.post(webhook_url, json=payload, timeout=10)
log.info("webhook delivered")
```

## Use instead
```python
resp = requests.post(webhook_url, json=payload, timeout=10)
resp.raise_for_status()
```

## Known limitations
A status checked by a transport hook (httpx `event_hooks`, a Go `RoundTripper`) or in a wrapper
called on the response is not seen.

## References
- https://requests.readthedocs.io/en/latest/user/quickstart/#response-status-codes
- https://pkg.go.dev/net/http#Response
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
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-007",
    name="response-status-unchecked",
    category=Category.ERROR_HANDLING,
    severity=Severity.LOW,
    confidence=Confidence.LOW,
    languages=frozenset({Language.GO, Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Check the status (resp.StatusCode / raise_for_status() / res.ok) before using or trusting the response.",
    references=("https://requests.readthedocs.io/en/latest/user/quickstart/#response-status-codes",),
)

MESSAGE = ("the response status is never checked: a 4xx/5xx from the other side is treated as success "
           "(or its error page parsed as data)")


def _passed_on(name: str, source: str) -> bool:
    """Returned, or handed whole to another function that may check it."""
    if re.search(rf"\breturn\b[^\n;]*\b{re.escape(name)}\s*(?:$|[,;)\]}}])", source, re.M):
        return True  # `return resp`, `return resp, err`: not `return resp.json()`
    return re.search(rf"\w\s*\(\s*(?:[^()\n]*,\s*)?{re.escape(name)}\s*[,)]", source) is not None


# -- Go ---------------------------------------------------------------------------------------------

GO_REQUEST = lazy_compile(r"^http\.(Get|Post|PostForm|Head)$|^(http\.DefaultClient|\w*[cC]lient\w*|\w+\.\w*[cC]lient\w*)\.(Do|Get|Post|PostForm|Head)$")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=GO_REQUEST.search, skip_file=in_test_code)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if not GO_REQUEST.search(go.callee(node)) or non_production(ctx.path, ctx.is_test_file):
        return
    parent = node.parent
    while parent is not None and parent.type == "expression_list":
        parent = parent.parent
    if parent is None or parent.type not in {"short_var_declaration", "assignment_statement"}:
        return
    left = field(parent, "left")
    names = [text(c) for c in left.named_children] if left is not None else []
    if not names:
        return
    func = go.enclosing_function(node)
    if func is None:
        return
    ctx.examine(RULE)
    resp = names[0]
    after = text(func)[node.end_byte - func.start_byte:]
    if resp != "_":
        if re.search(rf"\b{re.escape(resp)}\.(StatusCode|Status)\b", after) or _go_passed_on(resp, after):
            return
    yield RULE.hit(node, f"{go.callee(node)}(): {MESSAGE}")


def _go_passed_on(resp: str, source: str) -> bool:
    stripped = re.sub(rf"\b{re.escape(resp)}\.Body\b", "BODY", source)  # reading or closing the body is not a check
    return _passed_on(resp, stripped)


# -- Python -----------------------------------------------------------------------------------------

PY_CALLS = frozenset({f"{lib}.{verb}" for lib in ("requests", "httpx") for verb in ("get", "post", "put", "patch", "delete", "request", "head")})
PY_CLIENT = lazy_compile(r"(?i)(session|client)$")
PY_VERBS = frozenset({"get", "post", "put", "patch", "delete", "request"})
PY_CHECKS = ("raise_for_status", "status_code", ".ok", "is_success", "is_error", ".status")


def _py_request(call: ast.Call, ctx: PyContext) -> bool:
    name = ctx.call_name(call) or ""
    if name in PY_CALLS:
        return True
    return isinstance(call.func, ast.Attribute) and call.func.attr in PY_VERBS \
        and PY_CLIENT.search(pyast.dotted(call.func.value) or "") is not None and "request" not in (pyast.dotted(call.func.value) or "")


def _py_skip(ctx: PyContext) -> bool:
    return is_script_like(ctx) or ("requests" not in ctx.text and "httpx" not in ctx.text)


@RULE.on_python(ast.Call, calls=sorted(PY_VERBS), skip_file=_py_skip)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or _py_skip(ctx) or not _py_request(node, ctx):
        return
    parent = pyast.parent(node)
    if isinstance(parent, ast.Await):
        parent = pyast.parent(parent)
    func = pyast.enclosing_function(node)
    if func is None:
        return
    source = ast.get_source_segment(ctx.text, func) or ""
    if isinstance(parent, ast.Attribute) and parent.attr in {"json", "text", "content"}:
        ctx.examine(RULE)
        yield RULE.hit(node, MESSAGE)  # requests.post(...).json()
        return
    if isinstance(parent, ast.Expr):
        ctx.examine(RULE)
        yield RULE.hit(node, MESSAGE)  # the response dropped on the floor
        return
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        name = parent.targets[0].id
        ctx.examine(RULE)
        after = source[source.find(ast.unparse(parent.targets[0]) + " =") :]
        if any(f"{name}{check}" in after or f"{name}.{check}" in after for check in PY_CHECKS) \
                or re.search(rf"\bif (not )?{re.escape(name)}\b", after) or _passed_on(name, after):
            return
        if re.search(rf"\b{re.escape(name)}\.(json|text|content|iter_\w+)\b", after):
            yield RULE.hit(node, MESSAGE)


# -- JavaScript / TypeScript ----------------------------------------------------------------------

def _js_fetch(name: str) -> bool:
    return name in {"fetch", "nodeFetch", "undici.fetch"}


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=_js_fetch,
              skip_file=js.test_or_script)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if not _js_fetch(js.callee(node)) or ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path) or not js.is_server_file(ctx):
        return
    parent = node.parent
    if parent is not None and parent.type == "await_expression":
        parent = parent.parent
    func = js.enclosing_function(node)
    if parent is None or func is None:
        return
    if parent.type == "expression_statement":
        ctx.examine(RULE)
        yield RULE.hit(node, MESSAGE)
        return
    if parent.type != "variable_declarator":
        return
    name = text(field(parent, "name"))
    if not re.fullmatch(r"\w+", name):
        return
    ctx.examine(RULE)
    after = text(func)[parent.end_byte - func.start_byte:]
    if re.search(rf"\b{re.escape(name)}\.(ok|status|statusText)\b", after) or _passed_on(name, after):
        return
    if re.search(rf"\b{re.escape(name)}\.(json|text|arrayBuffer|blob|body)\b", after):
        yield RULE.hit(node, MESSAGE)
