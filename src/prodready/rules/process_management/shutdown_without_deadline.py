"""Graceful shutdown that can wait forever

## What it does
Flags shutdown code with no deadline: a Node `process.on('SIGTERM', ...)` handler that calls
`server.close()` but never arms a timer to force the exit (and uses no http-terminator, stoppable
or terminus); a Go `srv.Shutdown(context.Background())` (or a `ctx` made in the same function with
no `WithTimeout`/`WithDeadline`); a gRPC `GracefulStop()` with no timer falling back to `Stop()`.

## Why it matters in production
`server.close()` and `GracefulStop()` wait for every open connection to finish. One idle
keep-alive client, a long poll or a stuck request keeps the process alive until the orchestrator's
grace period ends and it is SIGKILLed: the clean-up after the wait (flushing queues, closing the
database pool) never runs, and every deploy takes the full grace period per instance.

## Example
```js
process.on('SIGTERM', () => {
  server.close();
});
```

## Use instead
```js
process.on('SIGTERM', () => {
  server.close(() => db.close().then(() => process.exit(0)));
  setTimeout(() => process.exit(1), 10_000).unref(); // stay inside the platform's grace period
});
```
```go
ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
defer cancel()
if err := srv.Shutdown(ctx); err != nil { srv.Close() }
```

## Known limitations
A deadline armed in another function (a shared `shutdown(timeout)` helper) is not followed.

## References
- https://nodejs.org/api/http.html#serverclosecallback
- https://pkg.go.dev/net/http#Server.Shutdown
- https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-execution
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang.treesitter import string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_path
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-PM-103",
    name="shutdown-without-deadline",
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Give the graceful shutdown a deadline shorter than the platform's grace period, then force the exit.",
    references=("https://pkg.go.dev/net/http#Server.Shutdown", "https://nodejs.org/api/http.html#serverclosecallback"),
)

JS_DEADLINE = lazy_compile(r"setTimeout\(|closeAllConnections\(|closeIdleConnections\(|terminator|stoppable|terminus|lightship|\.destroy\(")


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee={"process.on", "process.once"}.__contains__)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.callee(node) not in {"process.on", "process.once"}:
        return
    arguments = js.args(node)
    if len(arguments) < 2 or string_value(arguments[0]) not in {"SIGTERM", "SIGINT"}:
        return
    handler = arguments[1]
    body = text(handler)
    name = body if handler.type == "identifier" else ""
    if not name:
        # process.on('SIGTERM', (signal) => void shutdown(signal)): the handler only calls a named function
        called = re.fullmatch(r"\(?\s*\w*\s*\)?\s*=>\s*(?:void\s+|await\s+)?(\w+)\([^()]*\)\s*;?", body.strip())
        name = called.group(1) if called else ""
    start = 0
    if name:
        # read the named function in this file
        match = re.search(rf"(function\s+{re.escape(name)}\s*\(|(const|let|var)\s+{re.escape(name)}\s*=)", ctx.text)
        if match:
            start = match.start()
            body = ctx.text[start: start + 1500]
        elif handler.type == "identifier":
            body = ""
    if ".close(" not in body:
        return
    ctx.examine(RULE)
    if JS_DEADLINE.search(body) or JS_DEADLINE.search(ctx.text):
        return
    # `for (const c of conns) { await c.close(...) }`: the sequential wait a reviewer points at
    sequential = re.search(r"for\s*\([^)]*\)\s*\{?(?:\s*//[^\n]*)*\s*await\s+[\w.]+\.close\(", body)
    if sequential and start:
        line = ctx.text.count("\n", 0, start + sequential.end()) + 1
        yield Hit(line=line, message=f"{string_value(arguments[0])} handler awaits each connection's close() in turn with no timer forcing the exit: one stuck peer keeps the process until it is SIGKILLed")
        return
    yield RULE.hit(node, f"{string_value(arguments[0])} handler calls close() with no timer forcing the exit: one keep-alive connection keeps the process until it is SIGKILLed")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda name: "." in name and name.rsplit(".", 1)[-1] in {"Shutdown", "GracefulStop"}, skip_file=in_test_path)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    name = go.callee(node)
    method = name.rsplit(".", 1)[-1]
    if method not in {"Shutdown", "GracefulStop"} or "." not in name:
        return
    function = go.enclosing_function(node)
    scope = text(function) if function is not None else ""
    if method == "GracefulStop":
        if go.call_args(node):
            return
        ctx.examine(RULE)
        if not re.search(r"time\.After|AfterFunc|NewTimer|\.Stop\(\)|WithTimeout|Deadline", scope):
            yield RULE.hit(node, f"{name}() waits for every RPC with no timer falling back to Stop(): one stuck stream blocks shutdown until SIGKILL")
        return
    arguments = go.call_args(node)
    if len(arguments) != 1:
        return
    argument = text(arguments[0])
    ctx.examine(RULE)
    if argument in {"context.Background()", "context.TODO()"}:
        yield RULE.hit(node, f"{name}({argument}) has no deadline: one open connection keeps the process until it is SIGKILLed")
        return
    if re.fullmatch(r"\w+", argument) and re.search(rf"\b{re.escape(argument)}\s*:?=\s*context\.(Background|TODO)\(\)", scope) and not re.search(
        r"WithTimeout|WithDeadline", scope
    ):
        yield RULE.hit(node, f"{name}({argument}) uses a context with no deadline: one open connection keeps the process until it is SIGKILLed")


