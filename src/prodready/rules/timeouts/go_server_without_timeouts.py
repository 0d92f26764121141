"""HTTP server without read/header timeouts.

## What it does
Flags `http.ListenAndServe`/`ListenAndServeTLS` (the package functions cannot set timeouts),
`http.Server{...}` literals without `ReadHeaderTimeout` or `ReadTimeout` (or with a read timeout but
neither `WriteTimeout` nor `IdleTimeout`), and framework shortcuts
that start a default server: echo `e.Start(addr)` (unless `e.Server.ReadTimeout`/`ReadHeaderTimeout`
is set), gin `r.Run(addr)`, and fiber `app.Listen(addr)` when `fiber.Config` sets no `ReadTimeout`.

## Why it matters in production
Clients that send headers slowly (Slowloris) or never finish a body hold a goroutine and a file
descriptor each; a few thousand of them exhaust the server without any real traffic.

## Example
```go
log.Fatal(http.ListenAndServe(":"+port, nil))
```

## Use instead
```go
srv := &http.Server{Addr: ":" + port, Handler: mux,
    ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
    WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
log.Fatal(srv.ListenAndServe())
```

## Known limitations
Timeouts enforced by a proxy in front of the server are not visible.

## References
- https://pkg.go.dev/net/http#Server
- https://blog.cloudflare.com/the-complete-guide-to-golang-net-http-timeouts/
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-203",
    name="server-without-timeouts",
    aliases=("go-server-without-timeouts",),
    category=Category.TIMEOUTS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Run an http.Server with ReadHeaderTimeout/ReadTimeout/WriteTimeout/IdleTimeout set.",
    references=("https://pkg.go.dev/net/http#Server",),
)


@RULE.on_tree(
    "call_expression",
    languages=(Language.GO,),
    callee={"http.ListenAndServe", "http.ListenAndServeTLS", "http.Serve", "http.ServeTLS"}.__contains__,
    skip_file=in_test_code,
)
def check_listen(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if non_production(ctx.path, ctx.is_test_file):
        return  # tests, test helpers and example programs
    if name in {"http.ListenAndServe", "http.ListenAndServeTLS", "http.Serve", "http.ServeTLS"} and ctx.imports.get("http") == "net/http":
        ctx.examine(RULE)
        yield RULE.hit(node, f"{name} runs a server with no read, header or write timeouts")


FRAMEWORK_STARTS = {
    # constructor -> (start methods, text that shows timeouts were configured on the object)
    "echo.New": ({"Start", "StartTLS", "StartAutoTLS"}, r"\.Server\.(ReadTimeout|ReadHeaderTimeout)\s*="),
    "gin.New": ({"Run", "RunTLS"}, r"$^"),
    "gin.Default": ({"Run", "RunTLS"}, r"$^"),
    "fiber.New": ({"Listen", "ListenTLS"}, r"ReadTimeout\s*:"),
}


def _maybe_start(callee: str) -> bool:
    """Implied by check_framework_start: the method (the callee's last name) starts a server."""
    return callee.endswith(_START_METHODS)


_START_METHODS = tuple(sorted({method for methods, _ in FRAMEWORK_STARTS.values() for method in methods}))


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=_maybe_start, skip_file=in_test_code)
def check_framework_start(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    parts = go.selector_parts(node.child_by_field_name("function"))
    if parts is None or non_production(ctx.path, ctx.is_test_file):
        return
    owner, method = parts
    if not re.fullmatch(r"[A-Za-z_]\w*", owner):
        # `s.echo.Start(addr)` where the struct declares `echo *echo.Echo`: the engine was made elsewhere
        field_name = owner.rsplit(".", 1)[-1]
        if method in FRAMEWORK_STARTS["echo.New"][0] and re.fullmatch(r"[A-Za-z_][\w.]*", owner) and "echo" in ctx.imports \
                and re.search(rf"\b{re.escape(field_name)}\s+\*echo\.Echo\b", ctx.text) \
                and not re.search(rf"\.{re.escape(field_name)}{FRAMEWORK_STARTS['echo.New'][1]}", ctx.text) \
                and not re.search(FRAMEWORK_STARTS["echo.New"][1], ctx.text):
            ctx.examine(RULE)
            yield RULE.hit(node, f"{owner}.{method}() starts echo's default server with no read, header or write timeouts")
        return
    for constructor, (methods, configured) in FRAMEWORK_STARTS.items():
        if method not in methods:
            continue
        package = constructor.split(".")[0]
        if package not in ctx.imports:
            continue
        made = re.search(rf"\b{re.escape(owner)}\s*:?=\s*{re.escape(constructor)}\((.*)", ctx.text)
        if made is None:
            continue
        ctx.examine(RULE)
        args = made.group(1).strip()
        if constructor == "fiber.New" and (re.search(configured, ctx.text) or not args.startswith((")", "fiber.Config"))):
            return  # timeouts in the config literal, or a config built elsewhere
        if constructor != "fiber.New" and re.search(rf"\b{re.escape(owner)}{configured}", ctx.text):
            return
        yield RULE.hit(
            node,
            f"{owner}.{method}() starts {package}'s default server with no read, header or write timeouts",
        )
        return


def _no_server(ctx: TreeContext) -> bool:
    """skip_file=: test code, or no `http.Server` in the file (the literal's type text is a piece of it)."""
    return in_test_code(ctx) or "http.Server" not in ctx.text


@RULE.on_tree("call_expression", languages=(Language.GO,), callee="new".__eq__, skip_file=_no_server)
def check_new_server(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`server := new(http.Server)`: every timeout is zero unless set on the value afterwards."""
    arguments = go.call_args(node)
    if go.callee(node) != "new" or len(arguments) != 1 or text(arguments[0]) != "http.Server" or non_production(ctx.path, ctx.is_test_file):
        return
    ctx.examine(RULE)
    if re.search(r"\.(ReadTimeout|ReadHeaderTimeout)\s*=", ctx.text):
        return
    yield RULE.hit(node, "new(http.Server) has no ReadHeaderTimeout/ReadTimeout: slow clients hold connections forever")


@RULE.on_tree("composite_literal", languages=(Language.GO,), skip_file=_no_server)
def check_server(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if go.composite_type(node) != "http.Server" or non_production(ctx.path, ctx.is_test_file):
        return
    ctx.examine(RULE)
    keys = go.keyed_elements(node)
    if "ReadHeaderTimeout" not in keys and "ReadTimeout" not in keys:
        yield RULE.hit(
            node, "http.Server without ReadHeaderTimeout/ReadTimeout: slow clients hold connections forever"
        )
    elif "WriteTimeout" not in keys and "IdleTimeout" not in keys and not re.search(r"\.(WriteTimeout|IdleTimeout)\s*=", ctx.text):
        only = "/".join(k for k in ("ReadHeaderTimeout", "ReadTimeout") if k in keys)
        yield RULE.hit(
            node, f"http.Server sets only {only}: with no WriteTimeout or IdleTimeout a client that stops reading, "
                  "or an idle keep-alive connection, holds its goroutine and socket forever"
        )
