"""gRPC server without a panic-recovery interceptor

## What it does
Flags `grpc.NewServer(...)` in a service's code when nothing in its file installs a recovery
interceptor (grpc-ecosystem's `recovery.UnaryServerInterceptor`, `grpc_recovery`, or an
interceptor of the file whose name or body mentions recover).

## Why it matters in production
Unlike net/http, which recovers a panicking handler and closes that one connection, grpc-go does
not recover panics in handlers: one nil-pointer in one RPC kills the whole process and every
in-flight call on it, for every client. A recovery interceptor turns that panic into a
`codes.Internal` answer and a log line with the stack.

## Example
```go
grpcServer := grpc.NewServer(grpc.UnaryInterceptor(gapi.GrpcLogger))
```

## Use instead
```go
grpcServer := grpc.NewServer(grpc.ChainUnaryInterceptor(
    gapi.GrpcLogger,
    recovery.UnaryServerInterceptor(),
))
```

## Known limitations
An interceptor defined in another package that recovers by itself is not followed: suppress the
finding with a note naming it.

## References
- https://github.com/grpc-ecosystem/go-grpc-middleware/tree/main/interceptors/recovery
- https://github.com/grpc/grpc-go/issues/1226
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-209",
    name="go-grpc-server-without-recovery",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Add a recovery interceptor (go-grpc-middleware recovery.UnaryServerInterceptor and its stream twin).",
    references=("https://github.com/grpc-ecosystem/go-grpc-middleware/tree/main/interceptors/recovery",),
)

RECOVERY = lazy_compile(r"(?i)recover|panichandler|panic_handler")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c == "grpc.NewServer", skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if go.callee(node) != "grpc.NewServer" or non_production(ctx.path, ctx.is_test_file):
        return
    ctx.examine(RULE)
    if RECOVERY.search(ctx.text):
        return  # installed here, or an interceptor of the file that recovers
    yield RULE.hit(node, "grpc.NewServer without a recovery interceptor: a panic in any RPC handler kills the "
                         "whole process")
