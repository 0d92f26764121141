"""Background job that calls the network with no retry

## What it does
Flags a Celery task (`@app.task`, `@shared_task`, `@celery.task(...)`) that takes arguments (a
job, not a periodic sweep), does network or database work — HTTP clients, LLM/embedding calls,
SMTP, SQL — itself or through a function of the same module it calls, and has no retry policy:
no `autoretry_for=`, `max_retries=`/`retry_backoff=` on the decorator and no `self.retry(...)` in
the body.

## Why it matters in production
Celery runs a task once. A dropped connection, a 503 from the embedding API or a database
failover in that second fails the job for good: the document is never indexed, the mail never
sent, and the only trace is a log line. Transient failures are routine at scale, so jobs that
talk to other services need bounded retries with backoff (and idempotent bodies).

## Example
```python
@celery_app.task
def ingest_document(document_id: int, body: str) -> int:
    vectors = embed_batch(chunk_text(body))
```

## Use instead
```python
@celery_app.task(autoretry_for=(httpx.HTTPError, OperationalError), retry_backoff=True,
                 retry_jitter=True, max_retries=5)
def ingest_document(document_id: int, body: str) -> int:
    ...
```

## Known limitations
Work done in other modules is not followed; RQ and Dramatiq jobs are not judged.

## References
- https://docs.celeryq.dev/en/stable/userguide/tasks.html#automatic-retry-for-known-exceptions
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RT-004",
    name="task-without-retry",
    category=Category.RETRIES,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Give the task autoretry_for=(transient errors), retry_backoff=True and max_retries, and make it idempotent.",
    references=("https://docs.celeryq.dev/en/stable/userguide/tasks.html#automatic-retry-for-known-exceptions",),
)

RETRY_OPTIONS = frozenset({"autoretry_for", "max_retries", "retry_backoff", "default_retry_delay", "retry_kwargs"})
NETWORK = lazy_compile(
    r"\b(requests|httpx|urllib\w*|aiohttp|smtplib|boto3|openai|client|session|conn|engine|db)\.\w+\(|"
    r"\b(embed\w*|send_mail|send_email|sendmail|urlopen|execute|store_\w+|upload\w*|fetch\w*)\("
)


@once_per_file
def _skip(ctx: PyContext) -> object:
    return ctx.is_test_file or "task" not in ctx.text


def _task_decorator(func: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr | None:
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = pyast.dotted(target) or ""
        if name == "shared_task" or name.endswith(".task") and not name.startswith(("self.", "asyncio.")):
            return decorator
    return None


def _local_functions(ctx: PyContext) -> dict[str, ast.AST]:
    known = ctx.memo.get("module-functions")
    if known is None:
        known = ctx.memo["module-functions"] = {
            node.name: node for node in ctx.tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
    return known


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=_skip)
def check(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if _skip(ctx):
        return
    decorator = _task_decorator(func)
    if decorator is None:
        return
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if not ctx.imports_module("celery") and "celery" not in (pyast.dotted(target) or "").lower():
        return  # `@celery_app.task` from the project's own celery module, or an import of celery
    ctx.examine(RULE)
    arguments = [a.arg for a in func.args.args if a.arg != "self"]
    if not arguments:
        return  # a periodic sweep: the next run is its retry
    if isinstance(decorator, ast.Call) and any(k.arg in RETRY_OPTIONS for k in decorator.keywords):
        return
    body = ast.unparse(func)
    if ".retry(" in body:
        return
    sources = [body]
    functions = _local_functions(ctx)
    for call in ast.walk(func):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in functions:
            sources.append(ast.unparse(functions[call.func.id]))
    if not any(NETWORK.search(source) for source in sources):
        return
    yield RULE.hit(decorator, f"task {func.name}() talks to other services and has no retry policy: one transient failure loses the job", anchor=func.name)
