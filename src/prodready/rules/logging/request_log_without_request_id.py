"""Request log line without a request id

## What it does
Flags the service's own request-logging middleware — a log call that writes the request's method
and path (`logger.info("%s %s", request.method, request.path)`, `console.log(`${req.method}
${req.originalUrl}`)`, `slog.Info("request", "method", r.Method, "path", r.URL.Path)`) — when
neither the call nor its function carries a request id (`request_id`, `X-Request-ID`,
`correlation`, `trace_id`, `req.id`). The message also says when the status or the duration is
missing.

## Why it matters in production
One line per request is only useful if it can be tied to the rest: the error logged three lines
later, the upstream call it made, the user's report. Without a request id (echoed in a response
header), a 500 in a busy service cannot be traced to its cause, and without the status and the
duration the access log cannot show what failed or what was slow.

## Example
```python
@app.after_request
def log_request(response):
    logger.info("%s %s -> %s", request.method, request.path, response.status_code)
    return response
```

## Use instead
```python
@app.after_request
def log_request(response):
    logger.info("request", extra={"request_id": g.request_id, "method": request.method,
                "path": request.path, "status": response.status_code, "duration_ms": elapsed_ms()})
    response.headers["X-Request-ID"] = g.request_id
    return response
```

## Known limitations
A request id added by the logger's own context (structlog contextvars, a pino child logger made in
another middleware) is not seen when the logging function does not name it.

## References
- https://www.w3.org/TR/trace-context/
- https://12factor.net/logs
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules._memo import once_per_file
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-005",
    name="request-log-without-request-id",
    category=Category.LOGGING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Give every request an id (from X-Request-ID or generated), log it with method, path, status and "
    "duration, and echo it in the response.",
    references=("https://www.w3.org/TR/trace-context/",),
)

REQUEST_ID = lazy_compile(
    r"(?i)request[_-]?id|req[_.]?id\b|requestid|x-request-id|correlation|trace[_-]?id|traceid|span|\breq\.id\b"
)
DURATION = lazy_compile(r"(?i)elapsed|duration|latency|took|_ms\b|\bms\b|time\.since|perf_counter|hrtime|Date\.now\(\)\s*-")
STATUS = lazy_compile(r"(?i)status")
LOGGER = lazy_compile(
    r"(?i)^((console|logger|log|logging|slog|app\.logger|current_app\.logger|\w*log\w*)\."
    r"(info|debug|warn|warning|error|log|print|printf|println|infof|debugf|http|trace|notice))$|^print$"
)
# the function is request middleware: it passes the request on or runs around every response
MIDDLEWARE = lazy_compile(
    r"next\.ServeHTTP\(|\bnext\(\s*\)|\.Next\(\)|call_next|res\.on\(\s*['\"](finish|close)|after_request|before_request|"
    r"\.middleware\(|teardown_request|ServeHTTP\(w, r\)"
)
ERROR_HANDLER = lazy_compile(r"(?i)exception|error")
PY_REQUEST = lazy_compile(r"\brequest\.method\b")
PY_PATH = lazy_compile(r"\brequest\.(path|url|full_path)\b")
JS_REQUEST = lazy_compile(r"\b(req|request|ctx)\.method\b")
JS_PATH = lazy_compile(r"\b(req|request|ctx)\.(originalUrl|url|path)\b")
GO_REQUEST = lazy_compile(r"\b(r|req|request)\.Method\b")
GO_PATH = lazy_compile(r"\b(r|req|request)\.(URL|RequestURI)\b")


def _message(scope: str) -> str:
    missing = [name for name, pattern in (("status", STATUS), ("duration", DURATION)) if not pattern.search(scope)]
    also = f" (and no {' or '.join(missing)})" if missing else ""
    return f"request log line without a request id{also}: one request cannot be traced through the logs"


@once_per_file
def _skip_python(ctx: PyContext) -> object:
    return in_test_file(ctx) or "request.method" not in ctx.text


@RULE.on_python(ast.Call, skip_file=_skip_python)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if _skip_python(ctx) or not LOGGER.match(pyast.dotted(node.func) or ""):
        return
    arguments = " ".join(ast.unparse(a) for a in [*node.args, *(k.value for k in node.keywords)])
    if not (PY_REQUEST.search(arguments) and PY_PATH.search(arguments)):
        return
    function = pyast.enclosing_function(node)
    if function is None or ERROR_HANDLER.search(function.name):
        return  # an error handler's line, not the request log
    scope = ast.unparse(function)
    if "except" in scope and "exc" in arguments or not MIDDLEWARE.search(scope):
        return  # an error handler's line, or a log line outside request middleware
    ctx.examine(RULE)
    if not REQUEST_ID.search(scope):
        yield RULE.hit(node, _message(scope))


def _outermost_function(node: Any) -> Any:
    outer = None
    current = js.enclosing_function(node)
    while current is not None:
        outer = current
        current = js.enclosing_function(current)
    return outer


@once_per_file
def _skip_tree(ctx: TreeContext) -> object:
    if ctx.language == Language.GO:
        return in_test_code(ctx) or ".Method" not in ctx.text
    return ctx.is_test_file or ".method" not in ctx.text


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO), skip_file=_skip_tree)
def check_tree(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip_tree(ctx):
        return
    golang = ctx.language == Language.GO
    callee = go.callee(node) if golang else js.callee(node)
    if not LOGGER.match(callee):
        return
    arguments = text(node.child_by_field_name("arguments"))
    request, path = (GO_REQUEST, GO_PATH) if golang else (JS_REQUEST, JS_PATH)
    if not (request.search(arguments) and path.search(arguments)):
        return
    # the whole middleware: a request id set before `res.on("finish", ...)` counts
    function = go.enclosing_top_function(node) if golang else _outermost_function(node)
    if function is None:
        return
    scope = text(function)
    if "err" in arguments.lower() or not MIDDLEWARE.search(scope):
        return  # an error handler's line, or a log line outside request middleware
    if not golang and js.SCRIPT_PATH.search(ctx.path):
        return
    ctx.examine(RULE)
    if not REQUEST_ID.search(scope):
        yield RULE.hit(node, _message(scope))
