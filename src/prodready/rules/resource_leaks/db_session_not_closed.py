"""Database session opened and never closed.

## What it does
Flags SQLAlchemy sessions created inside a function (`SessionLocal()`, `Session(engine)`,
`sessionmaker(...)()`, `async_session()`) that are not used in a `with` block, not closed
(`close()`), not yielded (FastAPI dependencies) and not returned; and sessions (also ones stored
on `request.state`) that are closed only after other work succeeds, outside `finally:`.

## Why it matters in production
An unclosed session keeps its pooled connection checked out: after `pool_size + max_overflow`
requests the pool is empty and every request waits `pool_timeout` seconds, then fails with
"QueuePool limit reached". Transactions may stay open and hold locks.

## Example
```python
def list_orders():
    db = SessionLocal()
    return db.query(Order).all()
```

## Use instead
```python
def list_orders():
    with SessionLocal() as db:
        return db.query(Order).all()
```

## Known limitations
Session factories are recognised by name (`*Session*`, `*session*` callables) and by `sessionmaker`.

## References
- https://docs.sqlalchemy.org/en/20/orm/session_basics.html#opening-and-closing-a-session
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like, names_absent
from prodready.rules.base import RuleMeta
from prodready.rules.resource_leaks._leaks import assigned_local, escapes_or_released, in_with

RULE = RuleMeta(
    id="PR-RL-005",
    name="db-session-not-closed",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Use `with SessionLocal() as db:` (or a yield dependency with try/finally: db.close()).",
    references=("https://docs.sqlalchemy.org/en/20/orm/session_basics.html#opening-and-closing-a-session",),
)

FACTORY = lazy_compile(
    r"^(SessionLocal|Session|AsyncSession|async_session\w*|session_factory|\w*session_factory\(\)|\w*Session(Local|Maker|Factory)?)$"
)


MAKES_FACTORY = lazy_compile(r"(?i)(maker|factory|scoped_session)$")


def _no_session_here(ctx: PyContext) -> bool:
    """skip_file=: the file-wide returns of check (a script, no session-like import or path), or no
    callee that FACTORY can match (each of its names holds `Session` or `session`)."""
    if names_absent(ctx, "ession"):
        return True
    if (
        not ctx.imports_module("sqlalchemy", "sqlmodel")
        and "db" not in ctx.path
        and "database" not in ctx.path
        and not any(v.endswith(("SessionLocal", "async_session", "Session")) for v in ctx.imports.values())
    ):
        return True
    return is_script_like(ctx)


@RULE.on_python(ast.Call, skip_file=_no_session_here)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    callee = pyast.dotted(node.func) or ""
    if not callee and isinstance(node.func, ast.Call):
        callee = (pyast.dotted(node.func.func) or "") + "()"  # session_factory()(): the factory's factory
    qualified = ctx.call_name(node) or ""
    if not FACTORY.match(callee.split(".")[-1]) or qualified.startswith(
        ("requests", "httpx", "aiohttp", "boto")
    ):
        return
    if MAKES_FACTORY.search(callee.split(".")[-1]):
        return  # async_sessionmaker(engine) builds the factory; the sessions come from calling it
    if (
        not ctx.imports_module("sqlalchemy", "sqlmodel")
        and "db" not in ctx.path
        and "database" not in ctx.path
    ):
        if not any(v.endswith(("SessionLocal", "async_session", "Session")) for v in ctx.imports.values()):
            return
    func = pyast.enclosing_function(node)
    if func is None or in_with(node) or is_script_like(ctx):
        return
    local = assigned_local(node)
    if local is None:
        return
    ctx.examine(RULE)
    unsafe_close = _close_outside_finally(func, node, local)
    if unsafe_close is not None:
        yield RULE.hit(
            node,
            f"session `{local}` opened in {func.name}() is closed on line {unsafe_close.lineno} only on the "
            "success path: an exception in between leaks its connection (close it in `finally` or use `with`)",
            anchor=func.name,
        )
        return
    if "." in local:
        return
    if not escapes_or_released(func, local, {"close", "aclose"}):
        yield RULE.hit(
            node,
            f"session `{local}` opened in {func.name}() is never closed: its connection stays checked out",
            anchor=func.name,
        )


def _close_outside_finally(func: ast.AST, created: ast.Call, name: str) -> ast.Call | None:
    """The `name.close()` call when every close of the session sits outside a `finally:` and work that
    can raise (a call or an await) runs between the creation and the close."""
    closes = [
        sub
        for sub in pyast.walk_shallow(func)
        if isinstance(sub, ast.Call)
        and isinstance(sub.func, ast.Attribute)
        and sub.func.attr in {"close", "aclose"}
        and pyast.dotted(sub.func.value) == name
    ]
    if not closes or any(_in_finally(close, func) for close in closes):
        return None
    first = min(closes, key=lambda c: c.lineno)
    between = [
        sub
        for sub in pyast.walk_shallow(func)
        if isinstance(sub, ast.Call | ast.Await | ast.Yield)  # a dependency's `yield` runs the whole request
        and created.lineno < getattr(sub, "lineno", 0) < first.lineno
    ]
    return first if between else None


def _in_finally(node: ast.AST, func: ast.AST) -> bool:
    child = node
    for ancestor in pyast.ancestors(node):
        if ancestor is func:
            return False
        if isinstance(ancestor, ast.Try | ast.TryStar) and any(child is stmt for stmt in ancestor.finalbody):
            return True
        if isinstance(ancestor, ast.With | ast.AsyncWith | ast.ExceptHandler):
            return True  # a context manager, or the error path was thought of
        child = ancestor
    return False
