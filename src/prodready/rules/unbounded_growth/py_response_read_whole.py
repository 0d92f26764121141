"""Python: a response from a caller-chosen URL read whole into memory with no size cap

## What it does
Flags `.content` / `.text` (and aiohttp's `await resp.read()` / `resp.text()`) on the response of an
outbound request (`requests`, `httpx`, `aiohttp`, a `session` / `client` object) whose URL comes
from a variable (a bookmark, a feed, a webhook target, a cover image URL) rather than a literal or
the service's configured API base, when the function never streams with a cap (`iter_content`,
`iter_bytes`, a `Content-Length` check).

## Why it matters in production
`.content` keeps reading until the peer stops sending, and `stream=True` does not change that. One
URL that answers with a multi-gigabyte or endless body, often one a user typed in, makes the worker
allocate all of it and the OOM killer takes every request it was serving with it.

## Example
```python
resp = requests.get(feed_url, timeout=10)
parse(resp.content)
```

## Use instead
```python
MAX_BODY = 10 * 1024 * 1024
with requests.get(feed_url, timeout=10, stream=True) as resp:
    body = bytearray()
    for chunk in resp.iter_content(65536):
        body += chunk
        if len(body) > MAX_BODY:
            raise ValueError("response too large")
```

## Known limitations
A cap enforced by a transport adapter or in another function is not seen; JSON bodies of API
clients (`resp.json()`) are not flagged.

## References
- https://requests.readthedocs.io/en/latest/user/advanced/#body-content-workflow
- https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like, lines_of
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-UG-006",
    name="response-read-without-size-cap",
    aliases=("PR-UG-007",),
    category=Category.UNBOUNDED_GROWTH,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Stream the body (stream=True + iter_content) and stop past a maximum size.",
    references=("https://requests.readthedocs.io/en/latest/user/advanced/#body-content-workflow",),
)

VERBS = frozenset({"get", "post", "put", "patch", "request", "head", "stream"})
CLIENT = lazy_compile(r"(?i)^(requests|httpx|aiohttp)$|session|client|http$")
# The service's own API or a configured upstream: a fixed peer, not a caller-chosen URL.
CONFIGURED = lazy_compile(
    r"(?i)(base|api|endpoint|server|service|host|root|token|auth\w*|oauth\w*|discovery)_?ur[li]|settings|config|CONFIG|environ|getenv"
    r"|(^|_|\.)api($|_)"
)
CAPPED = lazy_compile(r"iter_content|iter_bytes|aiter_bytes|iter_chunked|iter_any|content-length|Content-Length|max_size|MAX_\w*(SIZE|BYTES|LENGTH)")
READS = frozenset({"content", "text"})


def _skip(ctx: PyContext) -> bool:
    return is_script_like(ctx) or not re.search(r"\.(content|text|read)\b", ctx.text)


def _url(call: ast.Call) -> ast.AST | None:
    for keyword in call.keywords:
        if keyword.arg == "url":
            return keyword.value
    verb = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    args = call.args[1:] if verb == "request" else call.args
    return args[0] if args else None


def _caller_chosen(url: ast.AST | None, scope: ast.AST | None = None) -> bool:
    """A URL held in a variable or built around one, not a literal or the configured API base. A
    local variable is judged by what it was built from (`url = f"{configuration.api_url}/..."`)."""
    if isinstance(url, ast.Name) and scope is not None:
        for child in pyast.walk_shallow(scope):
            if isinstance(child, ast.Assign) and any(isinstance(t, ast.Name) and t.id == url.id for t in child.targets):
                return _caller_chosen(child.value)
    if url is None or isinstance(url, ast.Constant):
        return False
    if isinstance(url, ast.JoinedStr):
        first = url.values[0] if url.values else None
        if not isinstance(first, ast.FormattedValue):
            return False  # f"https://api.example.com/{id}": a fixed host
        url = first.value
    if isinstance(url, ast.BinOp):
        url = url.left
    source = ast.unparse(url)
    return isinstance(url, (ast.Name, ast.Attribute, ast.Subscript)) and not CONFIGURED.search(source)


def _outbound(call: ast.AST, ctx: PyContext, scope: ast.AST | None = None) -> bool:
    if isinstance(call, ast.Await):
        call = call.value
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute) or call.func.attr not in VERBS:
        return False
    owner = pyast.dotted(call.func.value) or ""
    name = ctx.call_name(call) or ""
    return (name.startswith(("requests.", "httpx.")) or bool(CLIENT.search(owner.rsplit(".", 1)[-1]))) and _caller_chosen(_url(call), scope)


def _reads(node: ast.AST, name: str) -> Iterator[ast.AST]:
    """`name.content`, `name.text`, `await name.read()`, `await name.text()` below `node`."""
    quoted = {id(n) for r in pyast.walk_shallow(node) if isinstance(r, ast.Raise) for n in ast.walk(r)}
    quoted |= {id(n) for c in pyast.walk_shallow(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
               and c.func.attr in {"format", "debug", "info", "warning", "error", "exception"} for n in ast.walk(c)}
    found = [child for child in pyast.walk_shallow(node)
             if isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name) and child.value.id == name
             and (child.attr in READS or child.attr == "read") and id(child) not in quoted]
    # (a body quoted into an error message is read whole too, but nobody parses it)
    yield from sorted(found, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))


@RULE.on_python(ast.Module, skip_file=_skip)
def check(tree: ast.Module, ctx: PyContext) -> Iterator[Hit]:
    """Only the functions that make an outbound request are read (found from the file's indexed calls)."""
    if _skip(ctx):
        return
    functions: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for call in ctx.nodes_of(ast.Call):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in VERBS:
            func = pyast.enclosing_function(call)
            if func is not None:
                functions.setdefault(id(func), func)
    for func in functions.values():
        yield from _check_function(func, ctx)


def _check_function(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    source = lines_of(ctx, node)
    if CAPPED.search(source):
        return
    responses: list[str] = []
    for child in pyast.walk_shallow(node):
        if isinstance(child, ast.Attribute) and child.attr in READS and _outbound(child.value, ctx, node):
            ctx.examine(RULE)
            yield _hit(child)  # requests.get(url).text
            return
        if isinstance(child, ast.Assign) and len(child.targets) == 1 and isinstance(child.targets[0], ast.Name) \
                and _outbound(child.value, ctx, node):
            responses.append(child.targets[0].id)
        if isinstance(child, (ast.With, ast.AsyncWith)):
            for item in child.items:
                if isinstance(item.optional_vars, ast.Name) and _outbound(item.context_expr, ctx, node):
                    responses.append(item.optional_vars.id)
    for name in responses:
        ctx.examine(RULE)
        for read in _reads(node, name):
            yield _hit(read)
            return


def _hit(read: ast.AST) -> Hit:
    line = getattr(read, "end_lineno", None) or getattr(read, "lineno", 1)  # the `.text` of a chained call
    return Hit(line=line, end_line=line, message="the whole response of a caller-chosen URL is read into memory with no size cap: a huge "
                          "or endless body exhausts the worker's memory")
