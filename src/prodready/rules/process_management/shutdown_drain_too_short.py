"""Graceful shutdown with a drain window of a few seconds

## What it does
Flags a Go HTTP server's `Shutdown(ctx)` whose context comes from `context.WithTimeout(..., d)`
in the same function with `d` under 5 seconds (`time.Second`, `2*time.Second`,
`500*time.Millisecond`). The finding points at the `WithTimeout` that sets the window. Shutdown of
telemetry providers and exporters (a flush) is not judged, nor a command-line tool's one-shot
callback listener on `127.0.0.1:0`.

## Why it matters in production
`Shutdown` stops accepting connections and waits for the requests in flight, up to the deadline;
then it returns and the process exits, cutting whatever is still running. With a window of one to
three seconds every deploy cuts the slow requests, uploads, downloads and streams of each replica
that stops, although Kubernetes (30 s by default), Docker (10 s) and systemd (90 s) would have
waited much longer.

## Example
```go
ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
defer cancel()
srv.Shutdown(ctx)
```

## Use instead
```go
// a little under the platform's grace period (terminationGracePeriodSeconds, stop_grace_period)
ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
defer cancel()
srv.Shutdown(ctx)
```

## Known limitations
Durations passed in from elsewhere (a parameter, a setting) are not followed; a constant of the same
file (`const ShutdownTimeout = 1 * time.Second`) is, and the finding points at it.

## References
- https://pkg.go.dev/net/http#Server.Shutdown
- https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-execution
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_path
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-PM-104",
    name="shutdown-drain-too-short",
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Drain for a little less than the platform's grace period (20-25 s under Kubernetes' default 30 s), "
    "or make the window a setting.",
    references=("https://pkg.go.dev/net/http#Server.Shutdown",),
)

SHORTEST_DRAIN_SECONDS = 5.0
# What a duration literal is made of: `time.Second`, `3*time.Second`, `500 * time.Millisecond`.
DURATION = lazy_compile(r"^(?:(\d+(?:\.\d+)?)\s*\*\s*)?time\.(Second|Millisecond)$|^time\.(Second|Millisecond)\s*\*\s*(\d+(?:\.\d+)?)$")
# Receivers whose Shutdown flushes telemetry or closes a client, not an HTTP server that drains.
NOT_A_SERVER = lazy_compile(r"(?i)provider|tracer|meter|exporter|exports|client|\b(tp|mp|lp)$")
# The file serves HTTP: a net/http server or a framework's.
LOOPBACK_ONLY = lazy_compile(r"Listen\w*\([^)]*\"(127\.0\.0\.1|localhost):0\"")
SERVES_HTTP = lazy_compile(r"http\.Server\{|ListenAndServe|\.Serve\(|echo\.New\(|fiber\.New\(|gin\.(New|Default)\(")


def seconds(duration: str) -> float | None:
    """`3*time.Second` -> 3.0, `500*time.Millisecond` -> 0.5; None for anything computed."""
    match = DURATION.match(re.sub(r"\s+", " ", duration.strip()))
    if not match:
        return None
    count = float(match.group(1) or match.group(4) or 1)
    unit = match.group(2) or match.group(3)
    return count if unit == "Second" else count / 1000


@RULE.on_tree(
    "call_expression", languages=(Language.GO,),
    callee=lambda name: name.endswith(".Shutdown"), skip_file=in_test_path,
)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    arguments = go.call_args(node)
    if ctx.is_test_file or in_test_path(ctx) or not name.endswith(".Shutdown") or len(arguments) != 1:
        return
    receiver = name.rsplit(".", 1)[0]
    context_name = text(arguments[0])
    if NOT_A_SERVER.search(receiver) or not re.fullmatch(r"\w+", context_name) or not SERVES_HTTP.search(ctx.text):
        return
    if LOOPBACK_ONLY.search(ctx.text):
        return  # a CLI's one-shot OAuth callback listener on 127.0.0.1 serves nobody else
    function = go.enclosing_function(node)
    if function is None:
        return
    ctx.examine(RULE)
    for call in go.calls_in(function):
        if go.callee(call) != "context.WithTimeout":
            continue
        declared = call.parent.parent if call.parent is not None else None  # expression_list <- short_var_declaration
        if declared is None or not re.match(rf"\s*{re.escape(context_name)}\s*,", text(declared)):
            continue
        timeout = go.call_args(call)
        if len(timeout) != 2:
            continue
        duration, line = text(timeout[1]), call.start_point.row + 1
        if re.fullmatch(r"[A-Za-z_]\w*", duration):
            # `const ShutdownTimeout = 1 * time.Second` in this file: the window is set there
            constant = re.search(rf"(?m)^\s*(?:const\s+)?{re.escape(duration)}\s*(?:time\.Duration\s*)?=\s*([^\n/]+)", ctx.text)
            if constant is None:
                continue
            duration, line = constant.group(1).strip(), ctx.text.count("\n", 0, constant.start(1)) + 1
        window = seconds(duration)
        if window is not None and window < SHORTEST_DRAIN_SECONDS:
            yield Hit(
                line=line,
                message=f"{name}() drains for only {window:g}s: requests, uploads and streams still running after that "
                "are cut on every deploy (Kubernetes waits 30 s, Docker 10 s)",
            )
            return
