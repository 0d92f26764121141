"""Go request through the default client (no timeout).

## What it does
Flags `http.Get`, `http.Post`, `http.Head`, `http.PostForm` and `http.DefaultClient.Do`: they use
`http.DefaultClient`, which has no timeout.

## Why it matters in production
Every call can block forever on a slow peer, leaking a goroutine and a connection each time.

## Example
```go
resp, err := http.Get(url + "/health")
```

## Use instead
```go
client := &http.Client{Timeout: 5 * time.Second}
resp, err := client.Get(url + "/health")
```

## Known limitations
A program that replaces `http.DefaultClient` at start-up is still reported.

## References
- https://pkg.go.dev/net/http#DefaultClient
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
    id="PR-TO-202",
    name="go-default-client-call",
    category=Category.TIMEOUTS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Use an http.Client with Timeout set instead of the package-level helpers.",
    references=("https://pkg.go.dev/net/http#DefaultClient",),
)

DEFAULT_CALLS = {
    "http.Get",
    "http.Post",
    "http.Head",
    "http.PostForm",
    "http.DefaultClient.Do",
    "http.DefaultClient.Get",
}


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=DEFAULT_CALLS.__contains__, skip_file=in_test_file)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if name not in DEFAULT_CALLS or ctx.path.endswith("_test.go"):
        return
    if ctx.imports.get("http") != "net/http":
        return
    ctx.examine(RULE)
    function = go.enclosing_function(node)
    body = text(function) if function is not None else ""
    if name.endswith(".Do") and "NewRequestWithContext(" in body and not re.search(
        r"NewRequestWithContext\(\s*context\.(Background|TODO)\(\)", body
    ):
        return  # the request carries its caller's context: the deadline is set where the context is made
    yield RULE.hit(node, f"{name} uses http.DefaultClient, which has no timeout")


def _oauth2_call(callee: str) -> bool:
    return callee.endswith((".Exchange", ".Client")) or callee in {"oauth2.NewClient", "oidc.NewProvider"}


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=_oauth2_call, skip_file=in_test_file)
def check_oauth2(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """golang.org/x/oauth2 talks to the provider through the client stored in the context under
    oauth2.HTTPClient, else http.DefaultClient: the code exchange and the token-carrying client
    have no timeout unless one is put there."""
    name = go.callee(node)
    if name == "oidc.NewProvider" and ctx.imports.get("oidc", "").startswith("github.com/coreos/go-oidc"):
        # go-oidc fetches the discovery document through the context's client (oidc.ClientContext)
        ctx.examine(RULE)
        if not ctx.path.endswith("_test.go") and "ClientContext" not in ctx.text and "oauth2.HTTPClient" not in ctx.text:
            yield RULE.hit(node, "oidc.NewProvider() fetches the discovery document through http.DefaultClient (no oidc.ClientContext): no timeout")
        return
    if ctx.path.endswith("_test.go") or ctx.imports.get("oauth2") != "golang.org/x/oauth2":
        return
    arguments = go.call_args(node)
    if name == "oauth2.NewClient" or name.endswith(".Exchange") and len(arguments) >= 2 or \
            name.endswith(".Client") and len(arguments) == 2 and "oauth2.Config" in ctx.text:
        ctx.examine(RULE)
        if "oauth2.HTTPClient" in ctx.text:
            return  # the context carries a client of the project's own (with its timeout)
        yield RULE.hit(node, f"{name}() reaches the OAuth provider through http.DefaultClient (no oauth2.HTTPClient in the context): no timeout")
