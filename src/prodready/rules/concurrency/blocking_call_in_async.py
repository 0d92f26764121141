"""Blocking call inside `async def`.

## What it does
Flags calls that block the thread — `time.sleep`, `requests.*`, `urllib.request.urlopen`,
`subprocess.run/call/check_output`, synchronous database drivers (`psycopg2.connect`,
`pymysql.connect`, `sqlite3.connect`), `socket.create_connection`, bcrypt hashing, Celery
`send_task`/`apply_async` (a broker round trip), `nltk.download`, `newspaper.Article.download` —
made directly inside an `async def` (not inside a nested sync function passed to
`asyncio.to_thread`/`run_in_executor`).

Also flags synchronous SQLAlchemy work in an `async def`: a parameter that is a synchronous
`Session` (annotated `Session`, or injected with `Depends(get_db)` and never awaited) used for
`db.query/execute/commit/...` or handed to a helper that is called without `await`
(`get_users(db)`). FastAPI runs a plain `def` route in a threadpool, but an `async def` route runs
on the event loop, so each such query stalls every other request.

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
Blocking work hidden behind your own synchronous helpers is not followed, except helpers that
receive a synchronous database session. A session whose type cannot be seen (a bare `db`
parameter without `Depends`) is not judged.

## References
- https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code
- https://fastapi.tiangolo.com/async/
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
    "bcrypt.hashpw": "await asyncio.to_thread(bcrypt.hashpw, ...)",
    "bcrypt.checkpw": "await asyncio.to_thread(bcrypt.checkpw, ...)",
    "nltk.download": "a build-time download",
}
# Methods that do network I/O, on objects of these classes (receiver assigned from the constructor).
BLOCKING_METHODS = {
    "newspaper.Article": frozenset({"download"}),
}
CELERY_SEND = frozenset({"send_task", "apply_async"})
SESSION_IO = frozenset(
    {"query", "execute", "commit", "flush", "refresh", "get", "scalar", "scalars", "merge", "rollback"}
)
SESSION_TYPES = frozenset({"Session", "orm.Session", "sqlalchemy.orm.Session", "sqlmodel.Session"})
SESSION_PROVIDER = lazy_compile(r"^get_(db|session|db_session|database)$")
# Callees that take a session without running a query on the event loop.
SESSION_SAFE_CALLEES = frozenset(
    {"isinstance", "len", "print", "id", "type", "repr", "str", "add_task", "to_thread",
     "run_in_threadpool", "run_in_executor", "run_sync", "Depends", "partial", "setattr"}
)
BLOCKING.update(
    {
        f"requests.{verb}": "httpx.AsyncClient"
        for verb in ("get", "post", "put", "delete", "patch", "head", "request")
    }
)


# A project's own password helpers wrap bcrypt/passlib/argon2: called without await, they run
# ~100 ms of hashing on the event loop.
PASSWORD_HELPERS = ("get_password_hash", "hash_password", "password_hash", "verify_password", "check_password", "get_hashed_password")
# passlib's CryptContext, argon2's PasswordHasher, fastapi-users' PasswordHelper: `pwd_context.verify(...)`
HASHER_METHODS = ("hash", "verify", "verify_and_update")
HASHER_RECEIVER = lazy_compile(r"(?i)(password_?helper|pwd_?context|password_?hasher|crypt_?context|\bhasher|\bph)$")


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
        "hashpw",
        "checkpw",
        "download",
        "send_task",
        "apply_async",
        *PASSWORD_HELPERS,
        *HASHER_METHODS,
    ],
)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    func = pyast.enclosing_function(node)
    if not isinstance(func, ast.AsyncFunctionDef):
        return
    name = ctx.call_name(node)
    if name in BLOCKING:
        ctx.examine(RULE)
        yield RULE.hit(
            node,
            f"{name}() blocks the event loop inside async {func.name}(); use {BLOCKING[name]}",
            anchor=func.name,
        )
        return
    if isinstance(pyast.parent(node), ast.Await):
        return
    helper = (name or "").rpartition(".")[2]
    if helper in PASSWORD_HELPERS and not _defined_async(helper, ctx):
        ctx.examine(RULE)
        yield RULE.hit(
            node,
            f"{helper}() hashes a password (bcrypt-class work, ~100 ms) on the event loop inside async {func.name}(); "
            "every other request waits: await asyncio.to_thread(...)",
            anchor=func.name,
        )
        return
    if not isinstance(node.func, ast.Attribute):
        return
    method = node.func.attr
    receiver = node.func.value
    if method in HASHER_METHODS and HASHER_RECEIVER.search(pyast.dotted(receiver) or ""):
        ctx.examine(RULE)
        yield RULE.hit(
            node,
            f"{pyast.dotted(node.func)}() runs password hashing (~100 ms of CPU) on the event loop inside async "
            f"{func.name}(); every other request waits: await asyncio.to_thread(...)",
            anchor=func.name,
        )
        return
    if method in CELERY_SEND and name and "celery" in name.lower():
        ctx.examine(RULE)
        yield RULE.hit(
            node,
            f"{pyast.dotted(node.func) or name}() publishes to the Celery broker synchronously inside async {func.name}(); "
            "a slow or unreachable broker stalls the event loop",
            anchor=func.name,
        )
        return
    if isinstance(receiver, ast.Name):
        cls = _constructed_class(func, receiver.id, ctx)
        if cls and method in BLOCKING_METHODS.get(cls, ()):
            ctx.examine(RULE)
            yield RULE.hit(
                node,
                f"{receiver.id}.{method}() ({cls}) does network I/O inside async {func.name}(); "
                "run it with await asyncio.to_thread(...)",
                anchor=func.name,
            )


def _defined_async(name: str, ctx: PyContext) -> bool:
    """The helper is an `async def` of this file (then an un-awaited call is a different bug)."""
    return any(isinstance(node, ast.AsyncFunctionDef) and node.name == name for node in ctx.tree.body)


def _constructed_class(func: ast.AsyncFunctionDef, name: str, ctx: PyContext) -> str | None:
    for node in pyast.walk_shallow(func):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        ):
            return ctx.call_name(node.value)
    return None


@RULE.on_python(ast.AsyncFunctionDef, skip_file=in_test_file)
def check_sync_session(func: ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    sessions = _sync_session_params(func, ctx)
    if not sessions:
        return
    ctx.examine(RULE)
    seen: set[int] = set()
    for node in pyast.walk_shallow(func):
        if not isinstance(node, ast.Call) or isinstance(pyast.parent(node), ast.Await):
            continue
        what = _session_use(node, sessions)
        if what is None or node.lineno in seen:
            continue
        seen.add(node.lineno)
        yield RULE.hit(
            node,
            f"{what} runs synchronous database I/O on the event loop inside async {func.name}(); "
            "declare it with plain `def` (FastAPI runs it in a threadpool) or use an AsyncSession",
            anchor=func.name,
        )


def _session_use(call: ast.Call, sessions: set[str]) -> str | None:
    func = call.func
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in sessions
        and func.attr in SESSION_IO
    ):
        return f"{func.value.id}.{func.attr}()"
    callee = pyast.dotted(func) or ""
    if callee.rsplit(".", 1)[-1] in SESSION_SAFE_CALLEES:
        return None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in sessions:
        return None  # db.add(obj), db.close(): no round trip
    values = [*call.args, *(k.value for k in call.keywords)]
    for value in values:
        if isinstance(value, ast.Name) and value.id in sessions and callee:
            return f"{callee}({value.id})"
    return None


def _sync_session_params(func: ast.AsyncFunctionDef, ctx: PyContext) -> set[str]:
    args = [*func.args.posonlyargs, *func.args.args]
    defaults: list[ast.expr | None] = [None] * (len(args) - len(func.args.defaults))
    defaults += list(func.args.defaults)
    pairs = list(zip(args, defaults, strict=True))
    pairs += list(zip(func.args.kwonlyargs, func.args.kw_defaults, strict=True))
    found: set[str] = set()
    for arg, default in pairs:
        annotation = ctx.qualified(arg.annotation) if arg.annotation is not None else None
        if arg.annotation is not None and annotation is None:
            annotation = ast.unparse(arg.annotation)
        if annotation and "async" in annotation.lower():
            continue
        typed = annotation is not None and (
            annotation in SESSION_TYPES or annotation.endswith(".orm.Session")
        )
        injected = (
            isinstance(default, ast.Call)
            and (pyast.dotted(default.func) or "").rsplit(".", 1)[-1] == "Depends"
            and bool(default.args)
            and bool(SESSION_PROVIDER.match((pyast.dotted(default.args[0]) or "").rsplit(".", 1)[-1]))
        )
        if typed or (injected and annotation is None):
            found.add(arg.arg)
    if not found:
        return found
    for node in pyast.walk_shallow(func):
        if isinstance(node, ast.Await):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and inner.id in found:
                    found.discard(inner.id)  # awaited somewhere: an async session after all
    return found
