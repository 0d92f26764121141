"""Server fetches a URL the caller chose (SSRF)

## What it does
Flags outbound HTTP requests whose URL comes from the request — a route parameter, query string or
body field — with no allow-list check in the handler: `requests.get(url)`, `httpx.get(url)`,
`urllib.request.urlopen(url)`, an `httpx`/`aiohttp` client's `.get(url)` in Python; `fetch(url)`,
`axios.get(url)`, `got(url)` in JavaScript.

## Why it matters in production
The server becomes the caller's proxy into its own network: `http://169.254.169.254/` returns the
cloud instance's credentials, `http://localhost:6379/` reaches Redis, internal admin panels and
databases answer to the server's address. Large responses and slow hosts also tie up workers.

## Example
```python
@app.get("/preview")
def preview(url: str):
    return requests.get(url, timeout=5).text
```

## Use instead
```python
ALLOWED_HOSTS = {"images.example.com"}

@app.get("/preview")
def preview(url: str):
    parsed = urlparse(url)
    if parsed.scheme != "https" or parsed.hostname not in ALLOWED_HOSTS:
        raise HTTPException(400, "host not allowed")
    return requests.get(url, timeout=5, allow_redirects=False).text
```

## Known limitations
The URL is followed through one handler's local variables only; a URL handed to a background task
or a service function is not followed. Any check that mentions the host (`hostname`, `netloc`,
an allow-list) in the handler silences the finding.

## References
- https://owasp.org/Top10/A10_2021-Server-Side_Request_Forgery_%28SSRF%29/
- https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.input_validation import _js_taint
from prodready.rules.input_validation._taint import is_route_handler, mentions, tainted_names

RULE = RuleMeta(
    id="PR-IV-108",
    name="server-side-request-forgery",
    category=Category.INPUT_VALIDATION,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Allow only known hosts and schemes (parse the URL, compare the hostname with an allow-list), refuse private addresses, disable redirects.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html",),
)

MESSAGE = "the server requests a URL taken from the request with no host allow-list: callers reach internal services and cloud metadata (SSRF)"
CHECKED = lazy_compile(r"(?i)hostname|netloc|allow(ed)?_?(hosts?|list|domains?)|whitelist|is_private|ip_address|\.host\b|new URL\(")
# A URL whose scheme and host are written in the code: the caller only picks the path.
FIXED_HOST = lazy_compile(r"""^(f|`|["'])?["']?https?://[\w.-]+(:\d+)?(/|`|["']|$)""")
PY_CLIENT_CALLS = frozenset({
    "requests.get", "requests.post", "requests.put", "requests.head", "requests.request", "httpx.get", "httpx.post",
    "httpx.request", "urllib.request.urlopen", "urlopen",
})
PY_CLIENT_METHODS = frozenset({"get", "post", "put", "head", "request", "stream"})


def _py_fixed_host(url: ast.expr, func: ast.AST) -> bool:
    if isinstance(url, ast.Name):
        for node in ast.walk(func):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == url.id for t in node.targets):
                return bool(FIXED_HOST.match(ast.unparse(node.value)))
    return bool(FIXED_HOST.match(ast.unparse(url)))


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef)
def check_python(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not is_route_handler(func):
        return
    names = tainted_names(func)
    for node in ast.walk(func):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = ctx.call_name(node) or pyast.dotted(node.func) or ""
        receiver = (pyast.dotted(node.func.value) or "") if isinstance(node.func, ast.Attribute) else ""
        client = name in PY_CLIENT_CALLS or (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in PY_CLIENT_METHODS
            and re.search(r"(?i)(client|session|http)$", receiver) is not None
            and "request" not in receiver
        )
        url = node.args[0] if name.split(".")[-1] != "request" or len(node.args) < 2 else node.args[1]
        if not client or not mentions(url, names) or _py_fixed_host(url, func):
            continue
        ctx.examine(RULE)
        if CHECKED.search(ast.unparse(func)):
            return
        yield RULE.hit(node, MESSAGE)
        return


def _js_fixed_host(arg: Any, function: Any) -> bool:
    source = text(arg)
    if arg.type == "identifier":
        assigned = re.search(rf"\b(?:const|let|var)\s+{re.escape(source)}\s*=\s*([^;\n]+)", text(function))
        source = assigned.group(1) if assigned else source
    return bool(FIXED_HOST.match(source.strip()))


JS_CLIENTS = lazy_compile(r"^(fetch|got|axios|axios\.(get|post|put|head|request)|needle|superagent\.get|request|http\.get|https\.get)$")


@RULE.on_tree(
    "call_expression",
    languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
    callee=lambda c: bool(JS_CLIENTS.match(c)),
    skip_file=lambda ctx: not js.is_server_file(ctx),
)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if not JS_CLIENTS.match(js.callee(node)) or not js.is_server_file(ctx):
        return
    args = js.args(node)
    if not args:
        return
    function = js.enclosing_function(node)
    if function is None or _js_fixed_host(args[0], function) or not _js_taint.from_request(args[0], function):
        return
    ctx.examine(RULE)
    if CHECKED.search(text(function)):
        return
    yield RULE.hit(node, MESSAGE)
