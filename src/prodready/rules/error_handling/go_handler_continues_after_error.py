"""Go handler writes an error response and keeps going.

## What it does
Flags, inside HTTP handlers (net/http, gin, echo, fiber), an `if` block that ends with an error
response — `http.Error`, `http.Redirect`, `http.NotFound`, `c.JSON(4xx/5xx, ...)`,
`c.AbortWithStatus...`, a helper called with a 4xx/5xx status or named for one (`ctx.BadRequest`,
`writeError(w, ...)`) — but has no `return`, when more code that writes a response follows the
block, also after the enclosing `if` or `switch` when the block ends one of their branches.

## Why it matters in production
The handler carries on with invalid input or a failed lookup: it runs the update anyway, writes a
second response ("http: superfluous response.WriteHeader call"), or dereferences a nil result and
panics. Clients get a mix of error and success bodies.

## Example
```go
if err != nil {
    http.Error(w, "bad id", http.StatusBadRequest)
}
task, err := db.GetTask(id)
```

## Use instead
```go
if err != nil {
    http.Error(w, "bad id", http.StatusBadRequest)
    return
}
```

## Known limitations
An `if` that has an `else` is not flagged, and nor is one at the end of a loop body (the loop goes
on to its next round). A project helper is recognised by its name only.

## References
- https://pkg.go.dev/net/http#Error
- https://pkg.go.dev/github.com/gin-gonic/gin#Context.Abort
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import (
    ERROR_STATUS,
    continuation_statements,
    enclosing_handler,
    in_test_code,
    non_production,
    statements,
)
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-205",
    name="go-handler-continues-after-error",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="`return` right after writing the error response.",
    references=("https://pkg.go.dev/net/http#Error",),
)

ALWAYS_ERROR = {"http.Error", "http.NotFound"}
WRITES = lazy_compile(
    r"(http\.(Error|Redirect|NotFound|ServeFile|ServeContent)\(|\.(JSON|String|XML|HTML|Render|Redirect|Write|WriteHeader|"
    r"Execute\w*|Response|AbortWith\w*|Data|File|SendString|Send|NoContent|Blob|Stream)\()"
)

# Writes that set a status of their own (a body written after `w.WriteHeader(404)` is not one).
STATUS_WRITES = lazy_compile(r"(http\.(Error|Redirect|NotFound)\(|\.(WriteHeader|JSON|Redirect|AbortWith\w*)\()")


def _error_response(call: Any) -> bool:
    name = go.callee(call)
    if name in ALWAYS_ERROR:
        return True
    args = go.call_args(call)
    if name == "http.Redirect":
        return len(args) == 4 and bool(ERROR_STATUS.search(text(args[3])))
    if ERROR_HELPER.fullmatch(name.rsplit(".", 1)[-1]) and args:
        return True  # the project's own error responder: `ctx.InternalServerError(...)`, `writeError(w, err)`
    parts = go.call_parts(call)
    if parts is None or not args:
        return False
    if parts[1] in {"AbortWithStatus", "AbortWithStatusJSON", "AbortWithError"}:
        return True
    return parts[1][:1].isupper() and bool(ERROR_STATUS.fullmatch(text(args[0]).strip()))


# A project's own helpers that answer with an error status, by name: `ctx.BadRequest(...)`,
# `api.notFound(w, r)`, `respondWithError(w, ...)`, `s.serverError(w, r, err)`.
_RESPONDER = r"(?:write|respond|send|render|reply|http|json|api)_?(?:with_?)?"
ERROR_HELPER = lazy_compile(
    rf"(?i)(?:{_RESPONDER})?(?:internal_?server_?error|server_?error|bad_?request|not_?found|forbidden|"
    rf"unauthori[sz]ed|invalid_?parameter|unprocessable(?:_?entity)?)|{_RESPONDER}(?:error|err|fail|failure)(?:_?response|_?json)?"
)


# Every HANDLER_PARAMS match holds one of these: a file without them has no handler.
HANDLER_TYPES = ("http.ResponseWriter", "gin.Context", "echo.Context", "fiber.Ctx", "fasthttp.RequestCtx")


def _no_handler(ctx: TreeContext) -> bool:
    """skip_file=: test code, or no handler parameter type in the file (enclosing_handler reads a
    function's parameter text, a piece of the file's)."""
    return in_test_code(ctx) or not any(name in ctx.text for name in HANDLER_TYPES)


@RULE.on_tree("if_statement", languages=(Language.GO,), skip_file=_no_handler)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if non_production(ctx.path, ctx.is_test_file) or field(node, "alternative") is not None:
        return
    body = statements(field(node, "consequence"))
    if not body or body[-1].type != "expression_statement":
        return
    last = body[-1].named_children[0] if body[-1].named_children else None
    if last is None or last.type != "call_expression" or not _error_response(last):
        return
    handler = enclosing_handler(node)
    if handler is None:
        return
    ctx.examine(RULE)
    after = continuation_statements(node)
    if not after or after[0].type in {"return_statement"}:
        return
    # `w.WriteHeader(404)` sets only the status: the body written after it belongs to that answer
    status_only = go.callee(last).endswith(".WriteHeader")
    second_answer = STATUS_WRITES if status_only else WRITES
    passes_writer = _writer_passed(handler) if not status_only else (lambda _text: False)
    if any(second_answer.search(text(s)) or passes_writer(text(s)) for s in after):
        yield RULE.hit(last, f"{go.callee(last)}(...) answers an error but the handler does not return: the code below still runs")
    elif any(_acts(s) for s in after):
        # no second answer, but the request's action (a write to the store) still happens after the 4xx/5xx
        yield RULE.hit(last, f"{go.callee(last)}(...) answers an error but the handler does not return: the action below still runs")


def _writer_passed(handler: Any) -> Callable[[str], bool]:
    """A test for statements that hand the handler's http.ResponseWriter on (`render(w, r, page)`,
    `next.ServeHTTP(w, r)`): they answer the request a second time."""
    params = field(handler, "parameters")
    name = re.search(r"(\w+)\s+http\.ResponseWriter", text(params)) if params is not None else None
    if name is None:
        return lambda _text: False
    passed = re.compile(rf"\(\s*{re.escape(name.group(1))}\s*[,)]")
    return lambda statement: bool(passed.search(statement))


LOGGING = lazy_compile(r"^(log|logger|slog|fmt|klog|zap|zerolog|logrus|l|lg)\.|\.(Debug|Info|Warn|Warning|Error|Print)\w*$")
ACTION = lazy_compile(r"(?i)(update|mark|delete|remove|save|create|insert|set|put|add|exec|store|write|send|publish)")


def _acts(statement: Any) -> bool:
    """A call statement of the handler that changes something (`s.db.MarkItemsRead(filter)`)."""
    if statement.type != "expression_statement" or not statement.named_children:
        return False
    call = statement.named_children[0]
    if call.type != "call_expression":
        return False
    name = go.callee(call)
    method = name.rsplit(".", 1)[-1]
    if method in RENDERING:
        return False  # writes the response body, changes nothing
    return not LOGGING.search(name) and bool(ACTION.search(method))


RENDERING = frozenset({"Execute", "ExecuteTemplate", "Write", "WriteString", "Encode"})
