"""CORS allows any origin together with credentials.

## What it does
Flags CORS configurations that accept every origin (`*`, a catch-all regex, flask-cors defaults)
and also allow credentials (`allow_credentials=True`, `supports_credentials=True`).

## Why it matters in production
Browsers refuse a literal `*` with credentials, so these middlewares reflect the caller's `Origin`
instead: any website can make authenticated requests with the user's cookies and read the answers.
That is account takeover from a link.

## Example
```python
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
```

## Use instead
```python
app.add_middleware(
    CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True,
)
```

## Known limitations
Origins read from settings are not resolved across files.

## References
- https://portswigger.net/web-security/cors
- https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#credentialed_requests_and_wildcards
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.engine.context import ProjectContext, PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta
from prodready.rules.cors._pycors import configs, note_setting_origins, wildcard_setting_defaults

RULE = RuleMeta(
    id="PR-CO-002",
    name="cors-any-origin-with-credentials",
    category=Category.CORS,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Never combine credentials with a wildcard: list trusted origins explicitly.",
    references=("https://portswigger.net/web-security/cors",),
)


@RULE.on_python(ast.Module, skip_file=in_test_file)
def check(tree: ast.Module, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    for config in configs(ctx):
        if not config.credentials:
            continue
        note_setting_origins(config, ctx)
        ctx.examine(RULE)
        if config.any_origin:
            yield RULE.hit(
                config.node, f"{config.library} allows any origin with credentials: the origin is reflected"
            )



def _header_assignments(function: ast.AST) -> dict[str, ast.Assign]:
    """response.headers["Access-Control-..."] = value, by lower-cased header name."""
    found: dict[str, ast.Assign] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            key = pyast.const_str(node.targets[0].slice)
            if key and key.lower().startswith("access-control-"):
                found[key.lower()] = node
    return found


def _no_header_pair(ctx: PyContext) -> bool:
    """skip_file=: a test file, or one that never assigns both Allow-Origin and Allow-Credentials
    the way _header_assignments reads them."""
    if ctx.is_test_file:
        return True
    keys = set()
    for node in ctx.nodes_of(ast.Assign):
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            key = pyast.const_str(node.targets[0].slice)
            if key:
                keys.add(key.lower())
    return not {"access-control-allow-origin", "access-control-allow-credentials"} <= keys


@RULE.on_python(ast.FunctionDef, skip_file=_no_header_pair)
def check_handwritten(node: ast.FunctionDef, ctx: PyContext) -> Iterator[Hit]:
    """after_request hooks and middleware that set the CORS headers by hand."""
    if ctx.is_test_file:
        return
    headers = _header_assignments(node)
    origin, credentials = headers.get("access-control-allow-origin"), headers.get("access-control-allow-credentials")
    if origin is None or credentials is None or pyast.const_str(credentials.value) not in {"true", "True"}:
        return
    ctx.examine(RULE)
    value = ast.unparse(origin.value)
    reflected = re.search(r"headers\.get\(\s*['\"]origin['\"]|headers\[\s*['\"]origin['\"]\]|\bHTTP_ORIGIN\b", value, re.I)
    if reflected and not re.search(r"(?i)allowed|whitelist|allowlist|trusted", ast.unparse(node)):
        yield RULE.hit(origin, "the request's Origin is echoed into Access-Control-Allow-Origin with Allow-Credentials: any site can read authenticated responses")


@RULE.on_project
def check_setting_default(ctx: ProjectContext) -> Iterator[Hit]:
    for hit in wildcard_setting_defaults(ctx.model, credentials=True):
        ctx.examine(RULE)
        yield hit
