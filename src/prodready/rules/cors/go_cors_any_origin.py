"""Go CORS allows any origin.

## What it does
Flags Go CORS configurations that allow every origin — `AllowAllOrigins: true`,
`AllowedOrigins`/`AllowOrigins: []string{"*"}`, `Header().Set("Access-Control-Allow-Origin", "*")`
— and reports them as critical when credentials are allowed too (`AllowCredentials: true`).

## Why it matters in production
Any website can call the API from a user's browser and read the responses; with credentials it can
act as the logged-in user.

## Example
```go
c := cors.New(cors.Options{AllowedOrigins: []string{"*"}, AllowCredentials: true})
```

## Use instead
```go
c := cors.New(cors.Options{AllowedOrigins: cfg.AllowedOrigins, AllowCredentials: true})
```

## Known limitations
Origins built at run time are not resolved.

## References
- https://github.com/rs/cors
- https://portswigger.net/web-security/cors
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CO-201",
    name="go-cors-any-origin",
    category=Category.CORS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="List allowed origins explicitly; never combine a wildcard with credentials.",
    references=("https://github.com/rs/cors",),
)


@RULE.on_tree("composite_literal", languages=(Language.GO,))
def check_options(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if b"Origin" not in (node.text or b""):
        return  # every key looked for below has it in its name
    keys = go.keyed_elements(node)
    origin_keys = [k for k in ("AllowAllOrigins", "AllowedOrigins", "AllowOrigins") if k in keys]
    if not origin_keys:
        return
    ctx.examine(RULE)
    key = origin_keys[0]
    value = " ".join(text(keys[key]).split())
    if value == "true" or '"*"' in value:
        creds = "AllowCredentials" in keys and text(keys["AllowCredentials"]).strip() == "true"
        suffix = " together with AllowCredentials: any site acts as the user" if creds else ""
        yield Hit(
            line=node.start_point.row + 1 + (keys[key].start_point.row - node.start_point.row),
            message=f"CORS {key} allows any origin{suffix}",
        )


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c.endswith(("Header().Set", "Header().Add", ".Header")))
def check_header(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if not go.callee(node).endswith(("Header().Set", "Header().Add", ".Header")):
        return
    args = go.call_args(node)
    if len(args) >= 2 and go.string_arg(node, 0) == "Access-Control-Allow-Origin":
        ctx.examine(RULE)
        if go.string_arg(node, 1) == "*":
            yield RULE.hit(node, "Access-Control-Allow-Origin: * set by hand")
