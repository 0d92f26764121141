"""Go WebSocket upgrader accepts every origin.

## What it does
Flags gorilla/websocket `Upgrader{CheckOrigin: func(r *http.Request) bool { return true }}` and
equivalent functions that return `true` unconditionally.

## Why it matters in production
Browsers attach the user's cookies to WebSocket handshakes from any site. Accepting every origin
enables cross-site WebSocket hijacking: a malicious page opens the socket as the user and reads
their stream.

## Example
```go
var upgrader = websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return true }}
```

## Use instead
```go
var upgrader = websocket.Upgrader{CheckOrigin: func(r *http.Request) bool {
    return allowedOrigins[r.Header.Get("Origin")]
}}
```

## Known limitations
Origin checks done after the upgrade are not recognised.

## References
- https://pkg.go.dev/github.com/gorilla/websocket#hdr-Origin_Considerations
- https://christian-schneider.net/CrossSiteWebSocketHijacking.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-201",
    name="go-websocket-any-origin",
    category=Category.AUTHENTICATION,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Compare the Origin header against an allow-list in CheckOrigin.",
    references=("https://pkg.go.dev/github.com/gorilla/websocket#hdr-Origin_Considerations",),
)

ALWAYS_TRUE = lazy_compile(r"^\{\s*return\s+true\s*\}$")


def _no_upgrader(ctx: TreeContext) -> bool:
    """skip_file=: the literal's type text (a piece of the file's) must end with Upgrader."""
    return "Upgrader" not in ctx.text


@RULE.on_tree("composite_literal", languages=(Language.GO,), skip_file=_no_upgrader)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if not go.composite_type(node).endswith("Upgrader"):
        return
    ctx.examine(RULE)
    value = go.keyed_elements(node).get("CheckOrigin")
    if value is None:
        return
    body = value.child_by_field_name("body") if value.type == "func_literal" else None
    if body is not None and ALWAYS_TRUE.match(" ".join(text(body).split())):
        yield RULE.hit(
            value, "CheckOrigin returns true: any site can open this WebSocket with the user's cookies"
        )
