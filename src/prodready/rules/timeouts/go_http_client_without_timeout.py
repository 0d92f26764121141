"""Go `http.Client` without a timeout.

## What it does
Flags `http.Client{...}` composite literals (including `&http.Client{}`) that set no `Timeout`.

## Why it matters in production
The zero `http.Client` waits forever: a slow or silent peer holds the goroutine, its connection and
whatever request is waiting on it. Under load goroutines and sockets pile up until the service stops
answering. Streaming calls to LLM APIs are especially exposed.

## Example
```go
var llmClient = &http.Client{}
```

## Use instead
```go
var llmClient = &http.Client{Timeout: 30 * time.Second}
// for streaming: per-request context.WithTimeout and a Transport with ResponseHeaderTimeout
```

## Known limitations
Timeouts applied per request through `context.WithTimeout` are not recognised; suppress with that
reason.

## References
- https://pkg.go.dev/net/http#Client
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
from prodready.rules._go_http import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-001",
    name="http-call-without-timeout",
    aliases=("PR-TO-201", "go-http-client-without-timeout"),
    category=Category.TIMEOUTS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Set Client.Timeout (and Transport timeouts); bound streaming requests with a context deadline.",
    references=("https://pkg.go.dev/net/http#Client",),
)


def _no_client(ctx: TreeContext) -> bool:
    """skip_file=: test files, or no `http.Client` in the file (the literal's type text is a piece of it)."""
    return in_test_file(ctx) or "http.Client" not in ctx.text


@RULE.on_tree("composite_literal", languages=(Language.GO,), skip_file=_no_client)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if go.composite_type(node) != "http.Client" or ctx.path.endswith("_test.go"):
        return
    ctx.examine(RULE)
    elements = go.keyed_elements(node)
    if "Timeout" in elements or _bounded_transport(elements.get("Transport"), node):
        return
    yield RULE.hit(node, "http.Client without Timeout: requests can hang forever")


def _bounded_transport(transport: Any, client: Any) -> bool:
    """A streaming client's deliberate form: no Client.Timeout (it would cut long streams) but a
    Transport with ResponseHeaderTimeout, inline or built in the same function."""
    if transport is None:
        return False
    source = text(transport)
    if "ResponseHeaderTimeout" in source:
        return True
    func = go.enclosing_function(client)
    if func is None or not re.fullmatch(r"\w+", source):
        return False
    body = text(func)
    declared = re.search(rf"\b{re.escape(source)}\s*:?=\s*&?http\.Transport\{{", body)
    if declared is None:
        return False
    return "ResponseHeaderTimeout" in body[declared.start(): declared.start() + 1500]
