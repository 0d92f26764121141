"""Readiness check that catches its failures and still answers 200

## What it does
In a Python or Express readiness or health route (`/ready`, `/readyz`, `/health/readiness`, `/health`), flags
a handler that probes its dependencies inside `try/except` but never answers with an error status:
no 503/500, no `HTTPException`, no `abort(...)`, no `status_code=` on the response — so a failed
probe turns into `{"status": "degraded"}` with HTTP 200. In Go, flags a health handler that pings
the database (or calls another check) and writes no error status whatever the result: no 5xx, no
`http.Error`, no status held in a variable, no error returned to the framework.

## Why it matters in production
Orchestrators and load balancers read the status code, not the body. A replica whose database or
cache is gone keeps passing its readiness probe, keeps receiving traffic and fails every request
that needs the dependency, while the healthy replicas next to it could have served them. The
check exists, so nobody notices that it cannot fail.

## Example
```python
try:
    await db.execute(text("SELECT 1"))
except Exception:
    checks["database"] = "unavailable"
return {"status": "ready" if ready else "degraded", "checks": checks}
```

## Use instead
```python
status = 200 if ready else 503
return JSONResponse(status_code=status, content={"status": "ready" if ready else "not_ready", "checks": checks})
```

## Known limitations
A status set by a helper the handler calls is not seen.

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext, PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import descendants, field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules._repo import HEALTH_PATH
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-HC-004",
    name="readiness-never-fails",
    category=Category.HEALTH_CHECKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Answer 503 when a required dependency check fails (and keep the details in the body and the log).",
    references=("https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",),
)

# `status=` counts when it sets the HTTP status (a number or a variable), not a body field
# (`jsonify(status="ready" if ok else "degraded")`)
ERROR_STATUS = lazy_compile(r"\b5\d\d\b|HTTPException|abort\(|status_code\s*=|\bstatus\s*=\s*(?![\s\"'fr])|SERVICE_UNAVAILABLE|raise\b|\.status\s*=")


def _route_path(func: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    for decorator in func.decorator_list:
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and decorator.func.attr in {
            "get", "route", "api_route",
        } and decorator.args:
            return pyast.const_str(decorator.args[0])
    return None


@once_per_file
def _no_probe_route(ctx: PyContext) -> object:
    text = ctx.text
    return ctx.is_test_file or "try" not in text or not any(
        w in text for w in ("health", "ready", "live", "ping", "status", "alive"))


def _probes_in_try(node: ast.AST) -> bool:
    """A try whose body calls something (a dependency probe) and whose handlers answer instead of raising."""
    if not isinstance(node, ast.Try) or not any(isinstance(sub, ast.Call | ast.Await) for stmt in node.body for sub in ast.walk(stmt)):
        return False
    return not any(isinstance(sub, ast.Raise) for handler in node.handlers for sub in ast.walk(handler))


def _local_functions(ctx: PyContext) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    memo = ctx.memo.get(_local_functions)
    if memo is None:
        memo = {f.name: f for f in ctx.nodes_of(ast.FunctionDef, ast.AsyncFunctionDef)}
        ctx.memo[_local_functions] = memo
    return memo  # type: ignore[no-any-return]


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=_no_probe_route)
def check(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if _no_probe_route(ctx):
        return
    path = _route_path(func)
    if not path or not HEALTH_PATH.search(path):
        return
    guarded = [node for node in ast.walk(func) if _probes_in_try(node)]
    if not guarded:
        # `checks = {"database": _check_database()}` where the module's helper catches the failure
        helpers = _local_functions(ctx)
        guarded = [
            node for node in ast.walk(func)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers
            and any(_probes_in_try(inner) for inner in ast.walk(helpers[node.func.id]))
        ]
    if not guarded:
        return  # no dependency probe to swallow (a static liveness answer is PR-HC-001's business)
    ctx.examine(RULE)
    if ERROR_STATUS.search(ast.unparse(func)):
        return
    returns = [node for node in ast.walk(func) if isinstance(node, ast.Return) and node.value is not None]
    if returns:
        yield RULE.hit(returns[-1], f"{path} catches its dependency failures and still answers 200: probes never see the outage")


JS_ERROR_STATUS = lazy_compile(r"\.status\(\s*(5\d\d|\w+)\s*\)|sendStatus\(\s*5\d\d|statusCode\s*=|\bthrow\b|next\(\s*\w+\s*\)")


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              callee=lambda c: c.endswith((".get", ".all")), skip_file=lambda ctx: ctx.is_test_file or "catch" not in ctx.text)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """Express: `router.get('/ready', async (req, res) => { try { await db.query('SELECT 1') } catch ... ; res.json(...) })`."""
    if ctx.is_test_file or "catch" not in ctx.text or not js.callee(node).endswith((".get", ".all")):
        return
    arguments = js.args(node)
    path = string_value(arguments[0]) if arguments else None
    handler = arguments[-1] if len(arguments) >= 2 else None
    if not path or not HEALTH_PATH.search(path) or handler is None or handler.type not in {"arrow_function", "function_expression"}:
        return
    body = text(handler)
    if not any(True for _ in descendants(handler, "try_statement")) or "await" not in body:
        return
    ctx.examine(RULE)
    if JS_ERROR_STATUS.search(body):
        return
    answers = [call for call in descendants(handler, "call_expression") if js.callee(call).endswith((".json", ".send"))]
    if answers:
        yield RULE.hit(answers[-1], f"{path} catches its dependency failures and still answers 200: probes never see the outage")


# Next.js App Router: app/api/health/route.ts, app/status/route.js... the path is the directory.
NEXT_HEALTH_ROUTE = lazy_compile(r"(^|/)app/(.+/)?(health\w*|healthz|ready\w*|readyz|live\w*|livez|status|ping)/route\.[cm]?[jt]s$")
NEXT_ERROR_STATUS = lazy_compile(r"\bstatus\s*:\s*(5\d\d|\w+\s*\?|[a-zA-Z_]\w*\b)|\bthrow\b|\.error\(|status\(\s*5\d\d")


@RULE.on_tree("program", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              skip_file=lambda ctx: ctx.is_test_file or "catch" not in ctx.text or not NEXT_HEALTH_ROUTE.search(ctx.path))
def check_next(root: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`export const GET = async () => { const db = await probe(); return NextResponse.json({...}) }` where
    probe() swallows its failure into a value: the route answers 200 whatever the database says."""
    if ctx.is_test_file or not NEXT_HEALTH_ROUTE.search(ctx.path) or not any(True for _ in descendants(root, "try_statement")):
        return
    if "await" not in ctx.text:
        return
    ctx.examine(RULE)
    if NEXT_ERROR_STATUS.search(ctx.text):
        return
    answers = [call for call in descendants(root, "call_expression") if js.callee(call) in {"NextResponse.json", "Response.json"}]
    answers += [n for n in descendants(root, "new_expression") if text(field(n, "constructor")) in {"Response", "NextResponse"}]
    if answers:
        where = "/" + ctx.path.rsplit("/app/", 1)[-1].removeprefix("app/").rsplit("/route.", 1)[0]
        yield RULE.hit(answers[-1], f"{where} catches its dependency failures and still answers 200: probes never see the outage")


@RULE.on_project
def check_go(ctx: ProjectContext) -> Iterator[Hit]:
    """Go: a health handler that pings the database but writes 200 whatever the ping returned."""
    from prodready.rules.health_checks.readiness_without_dependency_check import resolved_go_route

    functions = ctx.model.facts.get("go_health_func", [])
    routes = [resolved_go_route(r, functions) for r in ctx.model.facts.get("go_health", [])]
    if not routes:
        return
    ctx.examine(RULE, len(routes))
    for route in routes:
        if route.get("never_fails"):
            yield Hit(
                line=route.get("never_fails"),
                path=str(route["file"]),
                message=f"{route.get('path')} checks its dependencies but answers 200 whatever they return: "
                "the orchestrator keeps routing traffic to a replica whose database is gone",
            )
