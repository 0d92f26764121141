"""JavaScript JWT decoded without verification.

## What it does
Flags `jwt.decode(...)` from `jsonwebtoken` (which does not check the signature) and
`jwt.verify(..., { algorithms: [..."none"...] })`.

## Why it matters in production
A decoded-but-unverified token is whatever the client wrote: anyone can claim to be any user.

## Example
```ts
const user = jwt.decode(req.headers.authorization.split(" ")[1])
```

## Use instead
```ts
const user = jwt.verify(token, process.env.JWT_SECRET, { algorithms: ["HS256"] })
```

## Known limitations
Decoding only to read a key id before verifying is reported; suppress with that reason.

## References
- https://github.com/auth0/node-jsonwebtoken#jwtdecodetoken--options
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-003",
    name="jwt-without-verification",
    aliases=("PR-AU-101", "js-jwt-without-verification"),
    category=Category.AUTHENTICATION,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Use jwt.verify with the secret/public key and a pinned algorithms list.",
    references=("https://github.com/auth0/node-jsonwebtoken#jwtdecodetoken--options",),
)


REQUEST_TOKEN = lazy_compile(
    r"(?i)\b(req|request|ctx|ctx\.request|socket\.handshake)\.(headers|cookies|query|body|signedCookies|header\(|get\()"
    r"|authorization|\bbearer\b|cookies\.get\(|headers\.get\(|handshake\.auth"
)


def _token_from_request(arg: Any, func: Any | None) -> bool:
    if REQUEST_TOKEN.search(text(arg)):
        return True
    if func is None or arg.type != "identifier":
        return False
    name = re.escape(text(arg))
    return any(
        REQUEST_TOKEN.search(text(field(d, "value")))
        for d in descendants(func, "variable_declarator")
        if field(d, "value") is not None and re.search(rf"\b{name}\b", text(field(d, "name")))
    )


EXPIRY_ONLY = lazy_compile(r"(?i)(expir|exp\b|ttl|debug|inspect|log)")


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda name: name.endswith((".decode", ".verify")))
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = js.callee(node)
    owner = name.split(".")[0]
    if ctx.imports.get(owner, "").split("#")[0] != "jsonwebtoken" or ctx.is_test_file:
        return
    if name.endswith(".decode"):
        ctx.examine(RULE)
        arguments = js.args(node)
        if len(arguments) >= 2 and "complete" in text(arguments[1]):
            return  # reading the header (kid) to pick the key before jwt.verify
        func = js.enclosing_function(node)
        if func is not None and re.search(r"\.verify\(", text(func)):
            return  # decoded after (or beside) a verification in the same function
        if func is not None and EXPIRY_ONLY.search(js.function_name(func)):
            return
        if not arguments or not _token_from_request(arguments[0], func):
            return  # a token handed in by the caller (verified elsewhere) or received from a token endpoint
        yield RULE.hit(node, "jwt.decode() does not verify the signature: forged tokens pass")
    elif name.endswith(".verify"):
        ctx.examine(RULE)
        arguments = js.args(node)
        if len(arguments) >= 3 and "'none'" in text(arguments[2]).replace('"', "'"):
            yield RULE.hit(node, 'jwt.verify allows the "none" algorithm')
