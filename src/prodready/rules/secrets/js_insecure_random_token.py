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

A helper that uses `Math.random()` (`randomChars(n)`) is flagged where a token is built from it in
the same file (`createToken() { return randomChars(24) }`).

## Known limitations
Helpers in another module are not traced.

## References
- https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Math/random
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-SE-003",
    name="insecure-random-token",
    aliases=("PR-SE-102", "js-insecure-random-token"),
    category=Category.SECRETS,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Use crypto.randomBytes / crypto.randomUUID for anything an attacker must not guess.",
    references=(
        "https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Math/random",
    ),
)
TOKENISH = lazy_compile(
    r"(?i)((token|secret|passw(or)?d|otp|nonce|salt|api_?key|session_?id|sid|csrf|csrf_?token)s?$"
    r"|(verif|reset|otp|invite|auth|confirm|login|mfa|2fa|activation)\w*(code|pin|key|id)s?$)"
)


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee="Math.random".__eq__)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if js.callee(node) != "Math.random" or ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    ctx.examine(RULE)
    declared = ""
    functions: list[str] = []
    for anc in ancestors(node):
        if anc.type == "variable_declarator" and not declared and not any(functions):
            declared = text(field(anc, "name"))
        elif anc.type in {
            "function_declaration",
            "function_expression",
            "arrow_function",
            "method_definition",
        }:
            functions.append(js.function_name(anc))
    names = [declared] if declared else functions
    if any(
        a.type == "call_expression"
        and re.search(r"(?i)(sleep|delay|wait|timeout|backoff|jitter)", js.callee(a))
        for a in ancestors(node)
    ):
        return  # randomised delays
    for name in names:
        if name and TOKENISH.search(name):
            yield RULE.hit(node, f"Math.random() builds `{name}`: predictable, use crypto.randomBytes")
            return
    helper = functions[0] if functions else ""
    if helper and RANDOM_HELPER.search(helper):
        yield from _token_callers(node, helper)


# `function randomChars(n) { ... Math.random() ... }` is a helper; what it makes depends on the caller.
RANDOM_HELPER = lazy_compile(r"(?i)^(random|rand|gen|generate|make|create)\w*$")


def _token_callers(node: Any, helper: str) -> Iterator[Hit]:
    """Calls of the Math.random helper, in this file, that build a token (`createToken() { return
    randomChars(24) }`, `const apiKey = randomString(32)`): the token is where the reviewer points."""
    root = node
    while root.parent is not None:
        root = root.parent
    for call in descendants(root, "call_expression"):
        if js.callee(call) != helper:
            continue
        for anc in ancestors(call):
            name = ""
            if anc.type == "variable_declarator":
                name = text(field(anc, "name"))
            elif anc.type in {"function_declaration", "function_expression", "arrow_function", "method_definition"}:
                name = js.function_name(anc)
                if not name or name == helper:
                    break
            if name and TOKENISH.search(name) and name != helper:
                yield RULE.hit(call, f"`{name}` comes from {helper}(), which uses Math.random(): predictable, "
                                     "use crypto.randomBytes")
                break
            if anc.type in {"function_declaration", "function_expression", "arrow_function", "method_definition"}:
                break
