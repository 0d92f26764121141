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

## Known limitations
Shutdown handled by a process manager wrapper (e.g. a framework's built-in handler) is not seen.

## References
- https://expressjs.com/en/advanced/healthcheck-graceful-shutdown.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext, TreeContext, is_test_path
from prodready.lang import javascript as js
from prodready.lang.treesitter import string_value
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
