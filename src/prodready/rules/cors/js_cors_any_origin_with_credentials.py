"""JavaScript CORS reflects any origin with credentials.

## What it does
Flags `cors({ origin: true | "*", credentials: true })`: every origin is allowed to make
credentialed requests.

## Why it matters in production
Any website the user visits can act as the user against this API (cookies included) and read the
answers: account takeover from a link.

## Example
```ts
app.use(cors({ origin: true, credentials: true }))
```

## Use instead
```ts
app.use(cors({ origin: ["https://app.example.com"], credentials: true }))
```

## Known limitations
Origins computed by a function are accepted.

## References
- https://portswigger.net/web-security/cors
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.cors.js_cors_any_origin import cors_config

RULE = RuleMeta(
    id="PR-CO-102",
    name="js-cors-any-origin-with-credentials",
    category=Category.CORS,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Never combine credentials with a wildcard or reflected origin.",
    references=("https://portswigger.net/web-security/cors",),
)


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    config = cors_config(node, ctx)
    if config is None or not config[1]:
        return
    ctx.examine(RULE)
    if config[0]:
        yield RULE.hit(node, "CORS reflects any origin with credentials")
