"""Go `http.Transport` built on every call and never closed

## What it does
Flags an `http.Transport{...}` literal built inside an HTTP handler, or inside a function that
builds a client on it and sends the request itself, when the function neither keeps the transport
(in a field or a package variable, or by returning it) nor calls `CloseIdleConnections()`, and the
transport sets neither `DisableKeepAlives` nor `IdleConnTimeout`.

## Why it matters in production
A Transport is a connection pool. Built per call, each one keeps the keep-alive connections it
opened, and with `IdleConnTimeout` unset they stay open (with two goroutines each) until the server
at the other end drops them. A link checker or proxy that runs per request accumulates sockets and
goroutines until it hits the file-descriptor limit, and no connection is ever reused.

## Example
```go
func fetch(link string) (*http.Response, error) {
    tr := &http.Transport{DialContext: dialer.DialContext}
    client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
    return client.Get(link)
}
```

## Use instead
```go
var linkClient = &http.Client{Timeout: 10 * time.Second,
    Transport: &http.Transport{DialContext: dialer.DialContext, IdleConnTimeout: 90 * time.Second}}
```

## Known limitations
Constructors that return a new client (`NewClient()`) are not followed to their callers.

## References
- https://pkg.go.dev/net/http#Transport
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
from prodready.rules._go_http import in_test_code, is_handler, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RL-002",
    name="client-created-per-call",
    aliases=("PR-RL-208",),
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Build the Transport (and its Client) once and reuse it; if it must be per call, call "
    "CloseIdleConnections() when done or set DisableKeepAlives.",
    references=("https://pkg.go.dev/net/http#Transport",),
)

SENDS = lazy_compile(r"\.(?:Do|Get|Head|Post|PostForm)\(")
CLIENT_VAR = lazy_compile(r"(\w+)\s*:?=\s*&?http\.Client\{")


def _no_transport(ctx: TreeContext) -> bool:
    return in_test_code(ctx) or "http.Transport" not in ctx.text


@RULE.on_tree("composite_literal", languages=(Language.GO,), skip_file=_no_transport)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if go.composite_type(node) != "http.Transport" or non_production(ctx.path, ctx.is_test_file):
        return
    function = go.enclosing_top_function(node)
    if function is None:
        return  # a package-level transport: built once
    body = text(function)
    handler = is_handler(function)
    if not handler and not ("http.Client{" in body and SENDS.search(body)):
        return  # a constructor or setup function: how often it runs is not in view
    ctx.examine(RULE)
    keys = go.keyed_elements(node)
    if "DisableKeepAlives" in keys or "IdleConnTimeout" in keys or "CloseIdleConnections(" in body:
        return
    target = _assigned_to(node)
    if "." in target:
        return  # kept in a field (s.transport = &http.Transport{...})
    clients = [re.escape(n) for n in CLIENT_VAR.findall(body)]
    names = [re.escape(n) for n in (target,) if n.isidentifier()] + clients
    # kept: returned, or stored in a field of anything but the local client (`client.Transport = tr`)
    local = rf"(?!(?:{'|'.join(clients)})\.)" if clients else ""
    if re.search(r"\breturn\s+&?http\.Client\{", body) or names and re.search(
        rf"\breturn\s+(?:{'|'.join(names)})\s*(?:,|\)|$)|(?<![\w.]){local}[\w.]+\.\w+\s*=\s*(?:{'|'.join(names)})\s*$", body, re.M
    ):
        return  # handed back or kept: the caller decides how often it is built
    where = "every request this handler serves" if handler else f"every call of {go.function_name(function) or 'this function'}"
    yield RULE.hit(
        node,
        f"http.Transport built for {where} and never closed: its keep-alive connections (and two goroutines "
        "each) stay open with no IdleConnTimeout, and none is ever reused",
    )


def _assigned_to(node: Any) -> str:
    """The name a transport literal is assigned to (`tr`, `s.transport`), else ''."""
    current = node.parent
    while current is not None and current.type in {"unary_expression", "parenthesized_expression", "expression_list"}:
        current = current.parent
    if current is not None and current.type in {"short_var_declaration", "assignment_statement"}:
        left = current.child_by_field_name("left")
        return text(left) if left is not None else ""
    return ""
