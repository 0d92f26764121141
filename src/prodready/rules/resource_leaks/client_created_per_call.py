"""HTTP client or session created per call and never closed.

## What it does
Flags `requests.Session()`, `httpx.Client()`, `httpx.AsyncClient()` and `aiohttp.ClientSession()`
created inside a function without `with`/`async with`, never closed (`close()`/`aclose()`), and
not returned or stored for reuse.

## Why it matters in production
Every call opens a new connection pool and leaves its sockets behind: file descriptors and ephemeral
ports run out under load, TLS handshakes add latency to every request, and aiohttp logs "Unclosed
client session" warnings.

## Example
```python
async def fetch_price(sku):
    client = httpx.AsyncClient(timeout=5)
    return (await client.get(f"{PRICES}/{sku}")).json()
```

## Use instead
```python
http = httpx.AsyncClient(timeout=5)   # one client for the process, closed in the lifespan

async def fetch_price(sku):
    return (await http.get(f"{PRICES}/{sku}")).json()
```

## Known limitations
Clients closed by a caller that received them through an attribute are treated as escaping.

## References
- https://www.python-httpx.org/advanced/clients/
- https://docs.aiohttp.org/en/stable/client_advanced.html#client-session
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta
from prodready.rules.resource_leaks._leaks import assigned_local, escapes_or_released, in_with

RULE = RuleMeta(
    id="PR-RL-002",
    name="client-created-per-call",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Create one client per process (closed at shutdown) or use it in a with/async with block.",
    references=("https://www.python-httpx.org/advanced/clients/",),
)

CLIENTS = {
    "requests.Session",
    "requests.session",
    "httpx.Client",
    "httpx.AsyncClient",
    "aiohttp.ClientSession",
}


@RULE.on_python(ast.Call, calls=["AsyncClient", "Client", "ClientSession", "Session", "session"], skip_file=is_script_like)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node)
    if name not in CLIENTS:
        return
    func = pyast.enclosing_function(node)
    if func is None or func.name == "__init__" or in_with(node) or is_script_like(ctx):
        return
    local = assigned_local(node)
    ctx.examine(RULE)
    if local is None:
        parent = pyast.parent(node)
        if isinstance(parent, ast.Attribute):  # requests.Session().get(...): built and dropped
            yield RULE.hit(node, f"{name}() built for a single call and never closed", anchor=func.name)
        return
    if "." in local:
        return  # stored on an object: lives longer than the call
    if not escapes_or_released(func, local, {"close", "aclose"}):
        yield RULE.hit(
            node,
            f"{name}() created in {func.name}() and never closed: leaks its connection pool",
            anchor=func.name,
        )
