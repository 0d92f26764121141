"""Exception swallowed silently.

## What it does
Flags a bare `except:` clause, and an `except Exception` / `except BaseException` clause whose
body only passes, continues or returns without logging, re-raising or using the exception. The
same body under a dependency's own error (`except redis.RedisError: return None`,
`requests.RequestException`, `sqlalchemy.exc.*`) is flagged too, outside health probes and
predicates: an outage of that dependency then never reaches the logs. A broad `except Exception`
around a call to a dependency (an HTTP or API client, the database, a cache, mail, LDAP) whose body
only substitutes a fallback (`return []`, `settings = DEFAULTS`, a `flash()` to the user) and logs
nothing is flagged too: the outage becomes an empty result.

## Why it matters in production
A swallowed exception turns a failure into silence: the request "succeeds" with wrong data, the
worker skips work, and nobody learns why until a customer does. A bare `except:` also catches
`KeyboardInterrupt` and `SystemExit`, so the process ignores shutdown.

## Example
```python
try:
    sync_documents()
except:
    pass
```

## Use instead
```python
try:
    sync_documents()
except SyncError:
    logger.exception("document sync failed")
    raise
```

## Known limitations
A handler that records the error somewhere other than a logger (a metrics counter, a result
object) and otherwise drops it is still reported when its body is only `pass`/`continue`/`return`.

## References
- https://docs.python.org/3/tutorial/errors.html#handling-exceptions
- https://peps.python.org/pep-0760/
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lang.python import anchor_of
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-001",
    name="exception-swallowed",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Catch the specific exception, log it with logger.exception(...), and re-raise or handle it.",
    references=("https://docs.python.org/3/tutorial/errors.html#handling-exceptions",),
)

BROAD = {"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"}


def _is_silent(body: list[ast.stmt]) -> bool:
    """Only pass / continue / ... / bare return / return None / break."""
    for stmt in body:
        if isinstance(stmt, ast.Pass | ast.Continue | ast.Break):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # docstring-like or ellipsis
        if isinstance(stmt, ast.Return) and (stmt.value is None or isinstance(stmt.value, ast.Constant)):
            continue
        return False
    return True


@RULE.on_python(ast.ExceptHandler, skip_file=in_test_file)
def check(node: ast.ExceptHandler, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    ctx.examine(RULE)
    if node.type is None:
        if _is_silent(node.body) or not _reraises(node):
            yield Hit(
                line=node.lineno,
                end_line=node.body[0].end_lineno if _is_silent(node.body) else node.lineno,
                message="bare `except:` catches everything, including SystemExit and KeyboardInterrupt"
                + (", and drops it silently" if _is_silent(node.body) else ""),
                anchor=anchor_of(node),
            )
        return
    names = [node.type] if not isinstance(node.type, ast.Tuple) else list(node.type.elts)
    broad = [n for n in names if ctx.qualified(n) in BROAD]
    if broad and _is_silent(node.body):
        caught = ctx.qualified(broad[0]) or "Exception"
        yield _handler_hit(node, f"`except {caught.split('.')[-1]}` swallows the error without logging or re-raising")
        return
    if broad and _fallback_only(node.body) and not _is_probe(node) and not _explained(node, ctx):
        call = _dependency_call(node)
        if call:
            yield _handler_hit(node, f"`except Exception` around `{call}()` falls back without logging: an outage of "
                               "that dependency looks like an empty result and never reaches the logs")
            return
    outage = next((q for q in (ctx.qualified(n) or "" for n in names) if q.startswith(DEPENDENCY_ERRORS)), None)
    # `except (RedisError, NoSuchJobError): return None` is a lookup: None means "not there"
    lookup = any(NOT_FOUND.search(ctx.qualified(n) or "") for n in names)
    if (
        outage and not lookup and _is_silent(node.body) and not _names_outcome(node.body) and not _is_probe(node)
        and not _next_candidate(node) and not _explained(node, ctx)
    ):
        yield _handler_hit(node, f"`except {outage}` turns a dependency failure into a silent default: the outage "
                           "never shows up in the logs")


def _handler_hit(node: ast.ExceptHandler, message: str) -> Hit:
    """A finding spanning the whole handler, anchored on its enclosing definition."""
    return Hit(line=node.lineno, end_line=node.body[-1].end_lineno, message=message, anchor=anchor_of(node))


# Errors that mean "a dependency is down or misbehaving" (not "the input was bad"): dropping them
# silently hides an outage.
DEPENDENCY_ERRORS = (
    "redis.RedisError", "redis.ConnectionError", "redis.TimeoutError", "redis.exceptions.RedisError",
    "redis.exceptions.ConnectionError", "redis.exceptions.TimeoutError", "redis.asyncio.", "aioredis.", "requests.exceptions.", "requests.RequestException", "requests.ConnectionError",
    "requests.Timeout", "httpx.", "aiohttp.", "sqlalchemy.exc.OperationalError", "sqlalchemy.exc.DBAPIError",
    "sqlalchemy.exc.DisconnectionError", "sqlalchemy.exc.InterfaceError", "sqlalchemy.exc.TimeoutError",
    "psycopg2.OperationalError", "psycopg.OperationalError", "asyncpg.exceptions.ConnectionDoesNotExistError",
    "asyncpg.PostgresConnectionError", "pymongo.errors.ConnectionFailure", "pymongo.errors.ServerSelectionTimeoutError",
    "pymongo.errors.AutoReconnect", "botocore.exceptions.EndpointConnectionError", "kombu.exceptions.OperationalError",
)
NOT_FOUND = lazy_compile(r"(?i)(NoSuch|NotFound|DoesNotExist|Missing|KeyError|LookupError)")
PROBE = lazy_compile(r"(?i)(^|_)(ping|probe|health\w*|is_\w+|has_\w+|check\w*|available|alive|ready)($|_)")


# Calls that reach a dependency: an HTTP/API client, the database or ORM, a cache, mail, LDAP.
DEPENDENCY_CALL = lazy_compile(
    r"(?i)(^|\.)(requests|httpx|urllib\w*|urlopen|session|client|api|conn|connection|cursor|db|database|redis|cache|"
    r"objects|query|smtp\w*|ldap\w*|s3|boto\w*|es|elastic\w*|mongo\w*)\.|"
    r"(^|\.)(api_call|execute|urlopen|authenticate|sendmail|send_message|search_s|simple_bind_s|fetch\w*|"
    r"get_object|put_object|request)$"
)
USER_MESSAGE = frozenset({"flash", "messages.error", "messages.warning", "messages.add_message"})


def _fallback_only(body: list[ast.stmt]) -> bool:
    """Only substitutes a fallback (an empty or default value, a message to the user) and moves on:
    nothing logs, re-raises or reads the error."""
    for stmt in body:
        if isinstance(stmt, ast.Pass | ast.Continue | ast.Break):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        if isinstance(stmt, ast.Return) and (stmt.value is None or _fallback_value(stmt.value)):
            continue
        if isinstance(stmt, ast.Assign) and _fallback_value(stmt.value):
            if isinstance(stmt.value, ast.Constant) and stmt.value.value in (None, True, False):
                return False  # `self._fts_available = False`: a capability probe's answer, not a hidden outage
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and pyast.dotted(stmt.value.func) in USER_MESSAGE:
            continue
        return False
    return True


def _fallback_value(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant | ast.Name | ast.Attribute):
        return True
    return isinstance(value, ast.List | ast.Tuple | ast.Set) and not value.elts or isinstance(value, ast.Dict) and not value.keys


def _dependency_call(node: ast.ExceptHandler) -> str | None:
    """The first call in the try body that reaches a dependency, as written."""
    owner = pyast.parent(node)
    if not isinstance(owner, ast.Try):
        return None
    for stmt in owner.body:
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Call):
                name = pyast.dotted(sub.func) or ""
                if name and DEPENDENCY_CALL.search(name):
                    return name
    return None


def _next_candidate(node: ast.ExceptHandler) -> bool:
    """`for replica in replicas: try ... except ConnectionError: continue`: failing over to the next one."""
    return any(isinstance(stmt, ast.Continue) for stmt in node.body) and any(
        isinstance(up, ast.For | ast.AsyncFor | ast.While) for up in pyast.ancestors(node)
    )


def _explained(node: ast.ExceptHandler, ctx: PyContext) -> bool:
    """A comment in the handler (`# a ConnectionError here is expected`): a documented decision."""
    last = node.body[-1].end_lineno or node.lineno
    return any("#" in ctx.line_text(number) for number in range(node.lineno, last + 1))


def _names_outcome(body: list[ast.stmt]) -> bool:
    """`return "server disconnected"`: the failure becomes a named result the caller reads, not silence."""
    return any(
        isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
        and stmt.value.value.strip() != ""
        for stmt in body
    )


def _is_probe(node: ast.ExceptHandler) -> bool:
    """In a health probe or a predicate, answering False/None on a failure is the function's answer."""
    func = pyast.enclosing_function(node)
    return func is not None and bool(PROBE.search(func.name))


def _reraises(node: ast.ExceptHandler) -> bool:
    return any(isinstance(n, ast.Raise) for stmt in node.body for n in ast.walk(stmt))
