"""Process-level error handler that keeps the process running (JS/TS)

## What it does
Flags `process.on("uncaughtException", ...)` and `process.on("unhandledRejection", ...)` handlers
that only log: no `process.exit`, no `throw`, no call that shuts the service down (`shutdown()`,
`server.close(...)`, `gracefulExit`...). Handlers in scripts and tests are skipped.

## Why it matters in production
Node's own default is to crash on both, so that the orchestrator restarts a clean process. A
handler that only logs turns every unexpected exception into a process that keeps serving in an
unknown state: half-finished requests hold their connections, a failed `listen` leaves a process
that serves nothing, and the container still reports healthy. The Node documentation says it is
not safe to resume normal operation after `uncaughtException`.

## Example
```js
process.on("uncaughtException", (err) => {
  console.error("Unhandled", err);
});
```

## Use instead
```js
process.on("uncaughtException", (err) => {
  logger.fatal({ err }, "uncaught exception");
  shutdown().finally(() => process.exit(1));
});
```

## Known limitations
A handler function defined in another module is not followed (the handler is left alone).

## References
- https://nodejs.org/api/process.html#warning-using-uncaughtexception-correctly
- https://nodejs.org/api/cli.html#--unhandled-rejectionsmode
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import descendants, field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-111",
    name="crash-handler-keeps-running",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Log the error, shut down gracefully and exit non-zero so the orchestrator restarts a clean process.",
    references=("https://nodejs.org/api/process.html#warning-using-uncaughtexception-correctly",),
)

EVENTS = {"uncaughtException", "unhandledRejection"}
# what ends the process, or hands the error on to something that does
ENDS = lazy_compile(
    r"process\.(exit|kill|abort)\b|\bthrow\b|process\.exitCode\s*=|\b\w*(shutdown|exit|close|stop|terminate|crash|die|kill)\w*\s*\(",
    re.IGNORECASE,
)
LOGS = lazy_compile(r"\bconsole\.\w+\(|\blog(ger)?\.\w+\(|\.(error|warn|trace|fatal|log)\(")
COMMENT = lazy_compile(r"//[^\n]*|/\*.*?\*/", re.S)


def _handler_body(handler: Any, call: Any) -> Any:
    """The function the handler is: an inline function, or a function of this file named by it."""
    if handler.type in {"arrow_function", "function_expression", "function"}:
        return handler
    if handler.type != "identifier":
        return None
    name = text(handler)
    root = call
    while root.parent is not None:
        root = root.parent
    for function in descendants(root, "function_declaration"):
        if text(field(function, "name")) == name:
            return function
    for declarator in descendants(root, "variable_declarator"):
        value = field(declarator, "value")
        if text(field(declarator, "name")) == name and value is not None and value.type in {"arrow_function", "function_expression", "function"}:
            return value
    return None


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda name: name in {"process.on", "process.once", "process.addListener", "process.prependListener"})
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    arguments = js.args(node)
    if len(arguments) < 2:
        return
    event = string_value(arguments[0])
    if event not in EVENTS:
        return
    handler = _handler_body(arguments[1], node)
    if handler is None:
        return
    ctx.examine(RULE)
    body = field(handler, "body")
    code = COMMENT.sub("", text(body)) if body is not None else ""
    if not LOGS.search(code) or ENDS.search(code):
        return  # (a handler that sets a flag or counts is a mechanism of its own, not a log line)
    yield RULE.hit(
        node,
        f"the {event} handler only logs and the process keeps running in an unknown state "
        "(Node's default would crash it so that it is restarted clean)",
    )
