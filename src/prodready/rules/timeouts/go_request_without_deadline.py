"""Go outbound request with no deadline from anywhere

## What it does
Flags `http.NewRequest(...)` — the form that cannot carry a context — in a file where nothing else
bounds the call: no `Timeout` on an `http.Client`, no `context.WithTimeout`/`WithDeadline`, no
transport `ResponseHeaderTimeout`. Also flags a database, cache or HTTP call made in a goroutine
with `context.Background()`/`context.TODO()` when nothing in that function gives it a deadline
(`go func() { coll.InsertOne(context.Background(), m) }()`). And network SDK calls handed
`context.Background()`/`context.TODO()` themselves, where the SDK's HTTP client has no timeout of its
own: OpenID Connect token verification and user info (`Verify`, `UserInfo`), the Docker Engine client, MinIO, Mailgun and Firebase Cloud Messaging.

## Why it matters in production
A request built without a context cannot be cancelled, and with no client timeout nothing else
stops it: a peer that accepts the connection and never answers holds the goroutine, its connection
and everything it locked, forever. A background write with `context.Background()` outlives the
request that started it and, on a hung database, piles up goroutines until the process runs out of
memory.

## Example
```go
req, err := http.NewRequest(http.MethodPost, c.baseURL+"/chat/completions", body)
resp, err := c.http.Do(req)
```

## Use instead
```go
ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
defer cancel()
req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/chat/completions", body)
```

## Known limitations
A client with a timeout built in another file and used here is not seen: the file is judged on its
own text.

## References
- https://pkg.go.dev/net/http#NewRequestWithContext
- https://github.com/sonatard/noctx
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import ancestors, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-206",
    name="go-request-without-deadline",
    category=Category.TIMEOUTS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Build requests with http.NewRequestWithContext and a context.WithTimeout deadline; give background work its own bounded context.",
    references=("https://pkg.go.dev/net/http#NewRequestWithContext",),
)

BOUNDED = lazy_compile(r"\bTimeout\s*:|WithTimeout\(|WithDeadline\(|ResponseHeaderTimeout|SetDeadline\(|\.Timeout\s*=")
# Calls that wait on a peer: database, cache, HTTP.
PEER_CALL = lazy_compile(
    r"\.(InsertOne|InsertMany|UpdateOne|UpdateMany|ReplaceOne|DeleteOne|DeleteMany|Find|FindOne|Aggregate|"
    r"ExecContext|QueryContext|QueryRowContext|Exec|Query|QueryRow|Set|Get|Del|Publish|Do|Send|Create|Save)\(\s*ctx\b"
    r"|\.(InsertOne|InsertMany|UpdateOne|UpdateMany|FindOne|Find|ExecContext|QueryContext|Exec|Set|Publish|Do)\(\s*context\.(Background|TODO)\(\)"
)


# SDKs whose calls go over the network through an HTTP client with no timeout unless the caller's
# context carries a deadline (or a client): import path -> the methods (or package functions) that do.
SDK_CALLS: tuple[tuple[Any, frozenset[str]], ...] = (
    # (oidc.NewProvider and oauth2's Exchange through the default client are PR-TO-202's)
    (lazy_compile(r"^github\.com/coreos/go-oidc(/v\d)?/oidc$"), frozenset({"Verify", "UserInfo"})),
    (lazy_compile(r"^github\.com/docker/docker/client$|^github\.com/moby/moby/client$"), frozenset({
        "Ping", "Info", "ServerVersion", "ContainerList", "ContainerInspect", "ContainerStats", "ContainerStart",
        "ContainerStop", "ContainerRestart", "ContainerRemove", "ContainerCreate", "ImagePull", "Events",
    })),
    (lazy_compile(r"^github\.com/minio/minio-go(/v\d)?$"), frozenset({
        "BucketExists", "MakeBucket", "PutObject", "GetObject", "StatObject", "RemoveObject", "FPutObject",
    })),
    (lazy_compile(r"^github\.com/mailgun/mailgun-go(/v\d)?$"), frozenset({"Send"})),
    (lazy_compile(r"^firebase\.google\.com/go(/v\d)?/messaging$"), frozenset({"Send", "SendMulticast", "SendEach", "SendAll"})),
)


def _sdk_methods(ctx: TreeContext) -> frozenset[str]:
    methods: set[str] = set()
    for path in ctx.imports.values():
        for pattern, names in SDK_CALLS:
            if pattern.match(path):
                methods |= names
    return frozenset(methods)


@once_per_file
def _skip(ctx: TreeContext) -> object:
    return in_test_code(ctx) or ("http.NewRequest(" not in ctx.text and "context.Background()" not in ctx.text and "context.TODO()" not in ctx.text)


@once_per_file
def _file_bounded(ctx: TreeContext) -> object:
    return BOUNDED.search(ctx.text)


def _sdk_call_taking(node: Any, ctx: TreeContext) -> str | None:
    """`x.Method(context.Background(), ...)` where Method is a network call of an SDK this file imports."""
    arguments = node.parent
    if arguments is None or arguments.type != "argument_list" or not arguments.named_children \
            or arguments.named_children[0].id != node.id:
        return None
    call = arguments.parent
    if call is None or call.type != "call_expression":
        return None
    callee = go.callee(call)
    method = callee.rpartition(".")[2]
    if not method or method not in _sdk_methods(ctx):
        return None
    return callee


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c in {"http.NewRequest", "context.Background", "context.TODO"}, skip_file=_skip)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx) or non_production(ctx.path, ctx.is_test_file):
        return
    name = go.callee(node)
    if name == "http.NewRequest":
        ctx.examine(RULE)
        function = go.enclosing_function(node)
        if function is not None and "http.DefaultClient.Do(" in text(function):
            return  # sent through the default client: PR-TO-202's finding, one defect reported once
        if not _file_bounded(ctx):
            yield RULE.hit(node, "http.NewRequest builds a request no context can cancel, and nothing in this file sets a timeout: a silent peer holds it forever")
        return
    if name not in {"context.Background", "context.TODO"}:
        return
    sdk_call = _sdk_call_taking(node, ctx)
    if sdk_call:
        ctx.examine(RULE)
        function = go.enclosing_function(node)
        if function is not None and BOUNDED.search(text(function)):
            return
        yield RULE.hit(node, f"{sdk_call}() is given {name}(): its HTTP client has no timeout, so an unreachable or "
                       "silent peer holds this call (and whatever waits on it) forever")
        return
    # context.Background()/TODO() inside a goroutine's function literal
    literal = next((a for a in ancestors(node) if a.type == "func_literal"), None)
    if literal is None or literal.parent is None or literal.parent.type != "call_expression" or literal.parent.parent is None \
            or literal.parent.parent.type != "go_statement":
        return
    body = text(literal)
    ctx.examine(RULE)
    if BOUNDED.search(body) or not PEER_CALL.search(body):
        return
    yield RULE.hit(node, f"{name}() in a goroutine's call to the database or a peer: no deadline, and the work outlives the request that started it")
