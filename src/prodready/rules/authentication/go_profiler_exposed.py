"""Go profiler served without authentication.

## What it does
Flags Go's profiling endpoints made reachable without a login: chi's `middleware.Profiler()`
mounted on the service's router, and `http.ListenAndServe` on a non-loopback address (`":6060"`)
serving `net/http/pprof` — the default mux (`nil`, with the `_ "net/http/pprof"` import in the
file), or a router the same function registered `pprof.*` handlers on.

## Why it matters in production
`/debug/pprof` hands out the command line (flags, often with secrets), heap contents, goroutine
stacks and 30-second CPU profiles that any caller can trigger to load the server. Gated by a debug
flag or not, once it is on it listens to everyone who can reach the port.

## Example
```go
if cfg.Debug {
    r.Mount("/debug", middleware.Profiler())
}
go http.ListenAndServe(":6060", nil)
```

## Use instead
```go
go http.ListenAndServe("127.0.0.1:6060", nil) // reach it over an SSH tunnel or kubectl port-forward
admin.With(requireAdmin).Mount("/debug", middleware.Profiler())
```

## Known limitations
An address read from configuration is not judged (it may well be loopback), and a profiler mounted
on a router that an authentication middleware guards higher up is still reported.

## References
- https://pkg.go.dev/net/http/pprof
- https://pkg.go.dev/github.com/go-chi/chi/v5/middleware#Profiler
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import ancestors, descendants, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-208",
    name="go-profiler-exposed",
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Serve pprof on 127.0.0.1 only (reach it through a tunnel) or behind the admin authentication.",
    references=("https://pkg.go.dev/net/http/pprof",),
)

LOOPBACK = lazy_compile(r"^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)(:\d+)?$")
PPROF_IMPORT = lazy_compile(r'(?m)^\s*(import\s+)?_\s+"net/http/pprof"')


def _no_profiler(ctx: TreeContext) -> bool:
    """skip_file=: test code, or a file that names neither pprof nor chi's Profiler."""
    return in_test_code(ctx) or ("pprof" not in ctx.text and "Profiler(" not in ctx.text)


@RULE.on_tree("call_expression", languages=(Language.GO,), skip_file=_no_profiler)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _no_profiler(ctx) or non_production(ctx.path, ctx.is_test_file):
        return
    name = go.callee(node)
    if name.endswith("middleware.Profiler"):
        ctx.examine(RULE)
        mount = node.parent.parent if node.parent is not None and node.parent.type == "argument_list" else None
        target = mount if mount is not None and mount.type == "call_expression" else node
        yield RULE.hit(target, "chi's Profiler (/debug/pprof: heap, goroutines, command line, CPU profiles) is mounted with no authentication")
        return
    if name not in {"http.ListenAndServe", "http.ListenAndServeTLS"}:
        return
    args = go.call_args(node)
    if len(args) < 2:
        return
    address = string_value(args[0])
    if address is None:
        return  # read from configuration: may be loopback
    ctx.examine(RULE)
    if LOOPBACK.match(address) or not _serves_pprof(node, args[-1], ctx):
        return
    yield RULE.hit(node, f"pprof is served on {address!r} (every interface) with no authentication: anyone who reaches the port reads heap and command line and can trigger CPU profiles")


def _serves_pprof(call: Any, handler: Any, ctx: TreeContext) -> bool:
    """The handler is the default mux with `net/http/pprof` imported, or a router the enclosing
    function registered `pprof.*` handlers on."""
    handler_text = text(handler).strip()
    if handler_text in {"nil", "http.DefaultServeMux"}:
        return bool(PPROF_IMPORT.search(ctx.text))
    function = next((a for a in ancestors(call) if a.type in {"function_declaration", "method_declaration", "func_literal"}), None)
    while function is not None and function.type == "func_literal":
        # `go func() { http.ListenAndServe(":9090", r) }()`: the router is built by the enclosing function
        outer = next((a for a in ancestors(function) if a.type in {"function_declaration", "method_declaration", "func_literal"}), None)
        if outer is None:
            break
        function = outer
    if function is None:
        return False
    return any(
        go.callee(registration).rsplit(".", 1)[0].endswith(handler_text) and "pprof." in text(registration)
        for registration in descendants(function, "call_expression")
    )
