"""Credential read from the URL query string (Python)

## What it does
Flags authentication code that takes a token, API key or secret from the query string:
`request.args.get("api-key")` (Flask), `request.query_params.get("token")` (Starlette/FastAPI),
`request.GET.get("access_token")` (Django). Only authentication code is judged (a decorator,
dependency, middleware or `authenticate`/`require_*`-style function, or a module named for auth);
e-mail verification, password reset, unsubscribe, download and share links, and WebSocket or SSE
endpoints (browsers cannot set headers there) are left alone.

## Why it matters in production
URLs are written to access logs (gunicorn, nginx, load balancers), browser history and the
`Referer` header sent to other sites. A long-lived API key or session token in the URL is a
credential copied into every one of them, readable by anyone with access to the logs.

## Example
```python
key = request.headers.get("X-API-Key") or request.args.get("api-key")
```

## Use instead
```python
key = request.headers.get("X-API-Key")
```

## Known limitations
Single-use, short-lived tokens in links are legitimate; suppress those with a reason.

## References
- https://datatracker.ietf.org/doc/html/rfc6750#section-5.3
- https://owasp.org/www-community/vulnerabilities/Information_exposure_through_query_strings_in_url
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-206",
    name="token-in-query-string",
    aliases=("PR-AU-014",),
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Take the credential from the Authorization header (or an HttpOnly cookie), never from the URL.",
    references=("https://datatracker.ietf.org/doc/html/rfc6750#section-5.3",),
)

QUERY_MAPPINGS = frozenset({"request.args", "request.query_params", "request.GET", "self.request.GET", "request.query"})
CREDENTIAL = lazy_compile(r"(?i)^(token|access[-_]?token|auth[-_]?token|api[-_]?key|x-api-key|apikey|api[-_]?secret|secret|jwt)$")
AUTH_FUNCTION = lazy_compile(r"(?i)auth|guard|verify_?(token|key|request)|require|protect|permission|decorat|middleware|jwt|api_?key|current_user|get_user|check_(token|key)|wrapper|wrapped|inner|dispatch|__call__")
AUTH_MODULE = lazy_compile(r"(?i)(^|/)[^/]*(auth|decorators?|middlewares?|security|permissions?|dependencies|deps)[^/]*(/|\.py$)")
LINK_OR_STREAM = lazy_compile(r"(?i)verif|confirm|reset|unsubscribe|download|share|invite|magic|websocket|\bws\b|sse|stream|rss|feed|callback|webhook")


def _key(node: ast.Call) -> str | None:
    """The key read from the query mapping: `request.args.get("api-key")`, `request.GET["token"]`."""
    if isinstance(node.func, ast.Attribute) and node.func.attr == "get" and pyast.dotted(node.func.value) in QUERY_MAPPINGS:
        return pyast.const_str(node.args[0]) if node.args else None
    return None


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=in_test_file)
def check(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or LINK_OR_STREAM.search(func.name) or LINK_OR_STREAM.search(ctx.path):
        return
    judged = AUTH_FUNCTION.search(func.name) or AUTH_MODULE.search(ctx.path)
    reads: list[tuple[ast.AST, str]] = []
    for node in pyast.walk_shallow(func):
        key = _key(node) if isinstance(node, ast.Call) else (
            pyast.const_str(node.slice) if isinstance(node, ast.Subscript) and pyast.dotted(node.value) in QUERY_MAPPINGS else None
        )
        if key and CREDENTIAL.match(key):
            reads.append((node, key))
    if not reads:
        return
    ctx.examine(RULE)
    if judged and not any(LINK_OR_STREAM.search(d) for d in _route_paths(func)):
        read, key = min(reads, key=lambda r: (getattr(r[0], "lineno", 0), getattr(r[0], "col_offset", 0)))
        # one report per function: the first place it reads a credential from the URL
        yield RULE.hit(read, f'the credential "{key}" is read from the URL query: it lands in access logs, browser history and Referer headers')


def _route_paths(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The string arguments of the function's decorators (`@app.route("/verify")`)."""
    return [
        arg.value for decorator in func.decorator_list if isinstance(decorator, ast.Call)
        for arg in decorator.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    ]
