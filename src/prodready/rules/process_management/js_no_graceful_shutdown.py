"""Node server without graceful shutdown.

## What it does
Reports a Node service that starts listening (`app.listen`, `server.listen`) and never handles
SIGTERM/SIGINT (`process.on("SIGTERM", ...)` closing the server).

## Why it matters in production
Orchestrators stop containers with SIGTERM: without a handler the process dies immediately,
cutting in-flight requests and leaving connections and queues half-processed on every deploy.

## Example
```ts
app.listen(port)
```

## Use instead
```ts
const server = app.listen(port)
process.on("SIGTERM", () => server.close(() => process.exit(0)))
```

Also flags a SIGTERM/SIGINT handler that only calls `process.exit()`: it catches the signal and
then ends the process at once, as if nothing listened.

## Known limitations
Shutdown handled by a process manager wrapper (e.g. a framework's built-in handler) is not seen.

## References
- https://expressjs.com/en/advanced/healthcheck-graceful-shutdown.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext, TreeContext, is_test_path
from prodready.lang import javascript as js
from prodready.lang.treesitter import descendants, line_of, string_value, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-PM-004",
    name="no-graceful-shutdown",
    aliases=("PR-PM-101", "js-no-graceful-shutdown"),
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="On SIGTERM, stop accepting connections (server.close), finish in-flight work, close clients, exit.",
    references=("https://expressjs.com/en/advanced/healthcheck-graceful-shutdown.html",),
)
JS_SUFFIXES = (".js", ".ts", ".mjs", ".cjs")


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    apps = [
        a
        for a in model.facts.get("app", [])
        if str(a["file"]).endswith(JS_SUFFIXES)
        and not js.SCRIPT_PATH.search(str(a["file"]))
        and not is_test_path(str(a["file"]))
    ]
    if not apps:
        return
    ctx.examine(RULE)
    if any(str(s["file"]).endswith(JS_SUFFIXES) for s in model.signals("graceful-shutdown")):
        return
    listening = [a for a in apps if str(a.get("name", "")).endswith(".listen")]
    # The listen call is where a reviewer points (and where server.close() belongs); without one, the app file.
    where = listening[0] if listening else apps[0]
    # a server started in several branches (`if (host) server.listen(port, host) else server.listen(port)`)
    # lists every start in that file
    others = tuple(
        (int(a["line"]), "server also started here")
        for a in listening[1:]
        if a["file"] == where["file"] and a.get("line") and a.get("line") != where.get("line")
    )
    yield Hit(
        line=where.get("line") if listening else None,
        path=str(where["file"]),
        message="server listens but never handles SIGTERM",
        related=others,
    )


def _listens_for_sigint(ctx: TreeContext) -> bool:
    return "SIGINT" in ctx.text and "SIGTERM" not in ctx.text and not js.test_or_script(ctx)


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              callee=lambda c: c in {"process.on", "process.once", "process.addListener"},
              skip_file=lambda ctx: not _listens_for_sigint(ctx))
def check_sigint_only(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`process.on('SIGINT', shutdown)` with no SIGTERM listener in the file: Ctrl+C drains, but the
    signal docker stop, Kubernetes and systemd send kills the process mid-request."""
    if not _listens_for_sigint(ctx):
        return
    arguments = js.args(node)
    if not arguments or string_value(arguments[0]) != "SIGINT":
        return
    ctx.examine(RULE)
    yield RULE.hit(
        node,
        "process.on('SIGINT') runs the shutdown but nothing listens for SIGTERM: docker stop, a Kubernetes roll-out "
        "or systemctl stop kill the process without it",
    )


# Calls that drain or release something before the exit: a handler that makes one is a real shutdown.
DRAINS = re.compile(r"(?i)(close|shutdown|stop|drain|disconnect|destroy|terminate|quit|flush|end|kill|cleanup|teardown|dispose)\w*$")
FUNCTIONS = ("arrow_function", "function_expression", "function", "function_declaration")


def _handler(argument: Any, root: Any) -> Any:
    """The function a listener argument names: inline, or a function/arrow declared in the same file."""
    if argument.type in FUNCTIONS:
        return argument
    if argument.type != "identifier":
        return None
    name = text(argument)
    for declaration in descendants(root, "function_declaration", "variable_declarator"):
        if text(declaration.child_by_field_name("name")) != name:
            continue
        value = declaration if declaration.type == "function_declaration" else declaration.child_by_field_name("value")
        if value is not None and value.type in FUNCTIONS:
            return value
    return None


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              callee=lambda c: c in {"process.on", "process.once", "process.addListener"},
              skip_file=lambda ctx: "process.exit" not in ctx.text or js.test_or_script(ctx))
def check_exit_only(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`process.on('SIGTERM', () => process.exit(0))`: the signal is caught only to end the process
    at once, cutting in-flight requests exactly as if nothing listened."""
    if js.callee(node) not in {"process.on", "process.once", "process.addListener"} or js.test_or_script(ctx):
        return
    arguments = js.args(node)
    if len(arguments) < 2 or string_value(arguments[0]) not in {"SIGTERM", "SIGINT"}:
        return
    handler = _handler(arguments[1], ctx.root)
    if handler is None:
        return
    ctx.examine(RULE)
    calls = list(descendants(handler, "call_expression"))
    exits = [c for c in calls if js.callee(c) == "process.exit"]
    if not exits or any(DRAINS.search(js.callee(c) or "") for c in calls) or next(descendants(handler, "await_expression"), None):
        return
    signal = string_value(arguments[0])
    yield Hit(
        line=line_of(exits[0]),
        message=f"the {signal} handler only calls process.exit(): the server is not closed, so in-flight requests "
        "and open connections are cut as if the signal were not handled",
        related=((line_of(node), f"{signal} handler registered here"),) if line_of(node) != line_of(exits[0]) else (),
    )
