"""FastAPI session dependency commits after the response is sent

## What it does
Flags a FastAPI dependency — a generator function such as `get_db()` that yields a database
session — that calls `commit()` after its `yield`. Since FastAPI 0.106 the code after `yield` runs
once the response has been sent.

## Why it matters in production
The client has already received 200 (or 201) when the commit runs. If it fails — a unique
violation, a serialisation failure, a dropped connection — the data is lost, the caller believes it
was saved, and the error surfaces only in the server log (or nowhere, when the exception handler
ignores errors raised after the response).

## Example
```python
async def get_db() -> AsyncIterator[AsyncSession]:
    async with SessionFactory() as session:
        yield session
        await session.commit()
```

## Use instead
```python
async def get_db() -> AsyncIterator[AsyncSession]:
    async with SessionFactory() as session:
        yield session                      # handlers commit explicitly, before they answer

@router.post("/items")
async def create_item(item: ItemIn, db: AsyncSession = Depends(get_db)):
    db.add(Item(**item.model_dump()))
    await db.commit()
```

## Known limitations
Only projects that use FastAPI are judged; other frameworks' request-scope teardown may run
before the response.

## References
- https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/
- https://github.com/fastapi/fastapi/releases/tag/0.106.0
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import imports_any, is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-DB-007",
    name="commit-after-response",
    category=Category.DATABASE,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Commit in the handler (or a unit-of-work helper it awaits) before the response; keep only rollback/close after the yield.",
    references=("https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/",),
)


def _yield_line(function: ast.AST) -> int | None:
    lines = [n.lineno for n in ast.walk(function) if isinstance(n, ast.Yield | ast.YieldFrom)]
    return min(lines) if lines else None


def _not_fastapi_service(ctx: PyContext) -> bool:
    """skip_file=: the handler's two early returns that depend on the file alone (a script, or no
    sign of FastAPI); else every function of every file was walked for a yield."""
    return is_script_like(ctx) or not (imports_any(ctx, ("fastapi",)) or "Depends(" in ctx.text or "fastapi" in ctx.text)


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=_not_fastapi_service)
def check(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if is_script_like(ctx) or any(isinstance(d, ast.Name | ast.Attribute) and "contextmanager" in ast.unparse(d) for d in node.decorator_list):
        return  # a context manager's teardown runs when its `with` block ends, inside the handler
    first_yield = _yield_line(node)
    if first_yield is None:
        return
    if not (imports_any(ctx, ("fastapi",)) or "Depends(" in ctx.text or "fastapi" in ctx.text):
        return
    for call in ast.walk(node):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "commit"
            and call.lineno > first_yield
        ):
            ctx.examine(RULE)
            yield RULE.hit(
                call,
                f"{ast.unparse(call.func)}() after the yield of dependency {node.name}(): it runs after the response "
                "was sent, so a failed commit loses data the client was told is saved",
            )
            return
