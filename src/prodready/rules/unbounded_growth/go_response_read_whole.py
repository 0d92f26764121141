"""Outbound HTTP response read whole into memory with no size cap

## What it does
Flags `io.ReadAll(resp.Body)` (or `ioutil.ReadAll`) where `resp` is the `*http.Response` of an
outbound request made in the same function (`client.Do`, `http.Get`, `client.Post`…) or a
`*http.Response` parameter, and the body is not wrapped in `io.LimitReader` or
`http.MaxBytesReader` first.

## Why it matters in production
`io.ReadAll` keeps reading until the peer stops sending. A feed, webhook target, OAuth provider or
any other remote server that answers with a multi-gigabyte (or endless) body makes the service
allocate all of it: one such URL — often one a user typed in — is enough to OOM-kill the process
and every request it was serving.

## Example
```go
resp, err := client.Get(feedURL)
if err != nil {
	return err
}
defer resp.Body.Close()
body, err := io.ReadAll(resp.Body)
```

## Use instead
```go
const maxBody = 10 << 20 // 10 MiB
body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
if len(body) > maxBody {
	return errors.New("response too large")
}
```

## Known limitations
A cap applied by a custom `http.RoundTripper` or checked through `resp.ContentLength` alone is not
seen (a server can lie about or omit Content-Length, so check the bytes read as well).

## References
- https://pkg.go.dev/io#LimitReader
- https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import descendants, field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-UG-006",
    name="response-read-without-size-cap",
    category=Category.UNBOUNDED_GROWTH,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Read through io.LimitReader(resp.Body, max+1) and reject a body longer than max.",
    references=("https://pkg.go.dev/io#LimitReader",),
)

READERS = frozenset({"io.ReadAll", "ioutil.ReadAll"})
# the outbound calls that return an *http.Response (the method ends the callee: client.Get(...))
# (compared in lower case: a project's own client wraps them as `client.get(url)`)
REQUEST_METHODS = frozenset({"do", "get", "post", "postform", "head", "getconditional"})
LOCAL_PEER = re.compile(r"\"https?://(localhost|127\.0\.0\.1|\[::1\])[:/\"]")


# command-line tools and SDKs of the service itself talk to the service's own API
OWN_CLIENTS = re.compile(r"(^|/)(cmd|sdk|\w*client)/")


def _skip(ctx: TreeContext) -> bool:
    return "ReadAll" not in ctx.text or non_production(ctx.path, ctx.path.endswith("_test.go")) or OWN_CLIENTS.search(ctx.path) is not None


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=READERS.__contains__, skip_file=_skip)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    arguments = go.call_args(node)
    if go.callee(node) not in READERS or len(arguments) != 1 or _skip(ctx):
        return
    body = text(arguments[0])
    if not body.endswith(".Body") or not body[: -len(".Body")].isidentifier():
        return  # io.ReadAll(io.LimitReader(resp.Body, n)), a file, a request body (PR-IV-202's)
    resp = body[: -len(".Body")]
    func = go.enclosing_function(node)
    if func is None or not _is_outbound_response(resp, func):
        return
    ctx.examine(RULE)
    source = text(func)
    if re.search(rf"\b{re.escape(resp)}\.Body\s*=\s*(http\.MaxBytesReader|io\.NopCloser\(io\.LimitReader)", source) or LOCAL_PEER.search(source):
        return  # capped before the read, or a health probe of this host
    yield RULE.hit(
        node,
        f"io.ReadAll({body}) reads the whole response into memory with no size cap: a remote server that "
        "answers with a huge or endless body exhausts the process's memory",
    )


def _is_outbound_response(resp: str, func: Any) -> bool:
    parameters = field(func, "parameters")
    if parameters is not None and re.search(rf"\b{re.escape(resp)}\s+\*http\.Response\b", text(parameters)):
        return True
    for assignment in descendants(func, "short_var_declaration", "assignment_statement"):
        left, right = field(assignment, "left"), field(assignment, "right")
        if left is None or right is None or not left.named_children or not right.named_children:
            continue
        if text(left.named_children[0]) != resp or right.named_children[0].type != "call_expression":
            continue
        parts = go.call_parts(right.named_children[0])
        if parts is None or parts[1].lower() not in REQUEST_METHODS:
            continue
        # http.Get / http.DefaultClient.Do / anything called *client*, or a value used as a response
        return (
            parts[0] in {"http", "http.DefaultClient"}
            or re.search(r"(?i)client", parts[0]) is not None
            or re.search(rf"\b{re.escape(resp)}\.(StatusCode|Status|Header|ContentLength)\b", text(func)) is not None
        )
    return False
