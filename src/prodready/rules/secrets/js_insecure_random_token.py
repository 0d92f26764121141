"""JavaScript token or id from `Math.random()`.

## What it does
Flags `Math.random()` used inside functions or assignments named like tokens, session ids,
secrets, passwords, OTPs, nonces or API keys.

## Why it matters in production
`Math.random()` is not cryptographically secure; its output can be predicted from earlier values,
so tokens built from it can be guessed.

## Example
```ts
const sessionId = Math.random().toString(36).slice(2)
```

## Use instead
```ts
import { randomBytes } from "node:crypto"
const sessionId = randomBytes(32).toString("base64url")
```

## Known limitations
Random values passed through helpers are not traced.

## References
- https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Math/random
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-SE-102",
    name="js-insecure-random-token",
    category=Category.SECRETS,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Use crypto.randomBytes / crypto.randomUUID for anything an attacker must not guess.",
    references=("https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Math/random",),
)
TOKENISH = re.compile(r"(?i)(token|session|secret|passw|otp|nonce|salt|apikey|api_key|csrf|reset|verif|invite)")


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if js.callee(node) != "Math.random" or ctx.is_test_file:
        return
    ctx.examine(RULE)
    names = [js.function_name(js.enclosing_function(node))]
    for anc in ancestors(node):
        if anc.type == "variable_declarator":
            names.append(text(field(anc, "name")))
            break
        if anc.type in {"function_declaration", "arrow_function", "method_definition"}:
            break
    for name in names:
        if name and TOKENISH.search(name):
            yield RULE.hit(node, f"Math.random() builds `{name}`: predictable, use crypto.randomBytes")
            return
