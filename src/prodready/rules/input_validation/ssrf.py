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

Outside route handlers, a fetching helper (`fetch_title(url)`, `download_image(image_url)`,
`Bookmark.process()` with `self.url`) that requests the URL it was handed is flagged when nothing in
its module checks the host.

## Known limitations
The URL is followed through one handler's local variables only; a helper is judged by its name and
its parameter's name, not by tracing its callers. Any check that mentions the host (`hostname`, `netloc`,
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
from prodready.rules._pyutil import is_script_like
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


# A helper that fetches what its caller hands it: a bookmark, an avatar, a feed, a page to preview.
FETCH_HELPER = lazy_compile(r"(?i)(fetch|load|download|scrape|crawl|preview|unfurl|get_(image|page|title|html|content|favicon)|summari[sz]e|import_from|process)")
URL_PARAM = lazy_compile(r"(?i)^(url|uri|link|href|src|source_url|image_url|avatar_url|feed_url|page_url|target_url|remote_url|website|location)$")
# The configured upstream of an API client is not the caller's choice.
CONFIGURED_URL = lazy_compile(r"(?i)(base|api|endpoint|server|service|host|root|auth\w*|token|oauth\w*|discovery)_?ur[li]|settings|config|environ|getenv")


def _helper_url_names(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """In a fetching helper, the parameters (or `self.url`) that hold the URL its caller chose."""
    if not FETCH_HELPER.search(func.name):
        return set()
    names = {a.arg for a in func.args.args + func.args.kwonlyargs if URL_PARAM.match(a.arg)}
    if func.args.args and func.args.args[0].arg == "self":
        names |= {f"self.{n.attr}" for n in ast.walk(func) if isinstance(n, ast.Attribute)
                  and isinstance(n.value, ast.Name) and n.value.id == "self" and URL_PARAM.match(n.attr)}
    return names


def _py_request_url(node: ast.AST, ctx: PyContext) -> ast.expr | None:
    """The URL argument of an outbound request (`requests.get(url)`, `client.post(url)`), else None."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    name = ctx.call_name(node) or pyast.dotted(node.func) or ""
    receiver = (pyast.dotted(node.func.value) or "") if isinstance(node.func, ast.Attribute) else ""
    client = name in PY_CLIENT_CALLS or (
        isinstance(node.func, ast.Attribute)
        and node.func.attr in PY_CLIENT_METHODS
        and re.search(r"(?i)(client|session|http)$", receiver) is not None
        and "request" not in receiver
    )
    if not client:
        return None
    return node.args[0] if name.split(".")[-1] != "request" or len(node.args) < 2 else node.args[1]


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef)
def check_python(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    if not is_route_handler(func):
        yield from _check_helper(func, ctx)
        return
    names = tainted_names(func)
    for node in ast.walk(func):
        url = _py_request_url(node, ctx)
        if url is None or not mentions(url, names) or _py_fixed_host(url, func):
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


def _check_helper(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    """`def fetch_title(url): requests.get(url)` / `Bookmark.process(self): requests.get(self.url)`: the
    URL comes from the caller, and nothing in the module checks where it points."""
    names = _helper_url_names(func)
    if not names or is_script_like(ctx):
        return
    for node in ast.walk(func):
        url = _py_request_url(node, ctx)
        source = ast.unparse(url) if url is not None else ""
        if url is None or source not in names or CONFIGURED_URL.search(source):
            continue
        ctx.examine(RULE)
        if CHECKED.search(ctx.text):
            return  # the module validates hosts somewhere (an allow-list, is_private, a hostname check)
        yield RULE.hit(node, f"{func.name}() requests the URL its caller hands it ({source}) with no host check in the "
                             "module: a user-supplied address reaches internal services and cloud metadata (SSRF)")
        return
