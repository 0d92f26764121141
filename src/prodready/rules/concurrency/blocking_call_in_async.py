"""Blocking call inside `async def`.

## What it does
Flags calls that block the thread — `time.sleep`, `requests.*`, `urllib.request.urlopen`,
`subprocess.run/call/check_output`, synchronous database drivers (`psycopg2.connect`,
`pymysql.connect`, `sqlite3.connect`), `socket.create_connection` — made directly inside an
`async def` (not inside a nested sync function passed to `asyncio.to_thread`/`run_in_executor`).

## Why it matters in production
An event loop runs every connection on one thread. A one-second `time.sleep` or a slow HTTP call
freezes all of them: health checks time out, WebSockets drop, latency of unrelated requests jumps.

## Example
```python
async def refund(order_id):
    reply = requests.post(URL, json=..., timeout=5)
```

## Use instead
```python
async def refund(order_id):
    async with httpx.AsyncClient(timeout=5) as client:
        reply = await client.post(URL, json=...)
    # or: reply = await asyncio.to_thread(requests.post, URL, json=..., timeout=5)
```

## Known limitations
Blocking work hidden behind your own synchronous helpers is not followed.

## References
- https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code
- https://fastapi.tiangolo.com/async/
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-002",
    name="blocking-call-in-async",
    category=Category.CONCURRENCY,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Use the async equivalent (asyncio.sleep, httpx.AsyncClient, asyncpg) or await asyncio.to_thread(...).",
    references=("https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code",),
)

BLOCKING = {
    "time.sleep": "asyncio.sleep",
    "urllib.request.urlopen": "httpx.AsyncClient",
    "subprocess.run": "asyncio.create_subprocess_exec",
    "subprocess.call": "asyncio.create_subprocess_exec",
    "subprocess.check_call": "asyncio.create_subprocess_exec",
    "subprocess.check_output": "asyncio.create_subprocess_exec",
    "os.system": "asyncio.create_subprocess_shell",
    "psycopg2.connect": "asyncpg / psycopg async",
    "pymysql.connect": "aiomysql",
    "sqlite3.connect": "aiosqlite",
    "socket.create_connection": "asyncio.open_connection",
    "smtplib.SMTP": "aiosmtplib",
}
BLOCKING.update(
    {
        f"requests.{verb}": "httpx.AsyncClient"
        for verb in ("get", "post", "put", "delete", "patch", "head", "request")
    }
)


@RULE.on_python(
    ast.Call,
    calls=[
        "SMTP",
        "call",
        "check_call",
        "check_output",
        "connect",
        "create_connection",
        "delete",
        "get",
        "head",
        "patch",
        "post",
        "put",
        "request",
        "run",
        "sleep",
        "system",
        "urlopen",
    ],
)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node)
    if name not in BLOCKING:
        return
    func = pyast.enclosing_function(node)
    if not isinstance(func, ast.AsyncFunctionDef):
        return
    ctx.examine(RULE)
    yield RULE.hit(
        node,
        f"{name}() blocks the event loop inside async {func.name}(); use {BLOCKING[name]}",
        anchor=func.name,
    )
