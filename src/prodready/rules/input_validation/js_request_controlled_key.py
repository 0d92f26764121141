"""Object property written under a key taken from the request (JS/TS)

## What it does
Flags assignments `obj[key] = value` (and `delete obj[key]`) in request handlers where `key`
comes from `req.params`, `req.query` or `req.body` — directly or through a local variable — and
is not checked against an allow-list in the same function (`ALLOWED.includes(key)`, a `switch`, a
comparison with a literal).

## Why it matters in production
The client chooses which field is written: `/account/unlink/password` clears the password hash,
`__proto__` or `constructor` pollutes every object in the process, and any model field (role,
isAdmin, balance) becomes writable. This is mass assignment through a single key.

## Example
```js
const { provider } = req.params;
user[provider] = undefined;            // /account/unlink/password
await user.save();
```

## Use instead
```js
const PROVIDERS = ["google", "github", "facebook"];
if (!PROVIDERS.includes(provider)) return res.status(400).end();
user[provider] = undefined;
```

## Known limitations
Validation done by middleware (a schema on the route) is not seen; keys that pass through helper
functions are not followed.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html
- https://cwe.mitre.org/data/definitions/1321.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.input_validation._js_taint import tainted_names

RULE = RuleMeta(
    id="PR-IV-105",
    name="js-request-controlled-key",
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Check the key against an explicit allow-list before using it as a property name.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html",),
)

DIRECT = lazy_compile(r"\b(req|request)\.(params|query|body)\b")


def _outer_function(node: Any) -> Any:
    func = js.enclosing_function(node)
    while func is not None:
        outer = js.enclosing_function(func)
        if outer is None:
            return func
        func = outer
    return None


def _not_server_code(ctx: TreeContext) -> bool:
    """skip_file=: check returns at once in test code and outside server code."""
    return ctx.is_test_file or not js.is_server_file(ctx)


@RULE.on_tree("assignment_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_not_server_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    left = field(node, "left")
    if left is None or left.type != "subscript_expression" or ctx.is_test_file or not js.is_server_file(ctx):
        return
    index = field(left, "index")
    if index is None or index.type in {"number", "string", "template_string"}:
        return
    func = _outer_function(node)  # callbacks inside the handler: User.findById(id, (err, user) => { user[p] = ... })
    if func is None:
        return
    key_text = text(index)
    names = tainted_names(func)
    keys = [n for n in names if re.search(rf"\b{re.escape(n)}\b", key_text)]
    if not DIRECT.search(key_text) and not keys:
        return
    ctx.examine(RULE)
    body = text(func)
    for key in keys or [key_text]:
        k = re.escape(key)
        if re.search(rf"\.includes\(\s*{k}\b|\bswitch\s*\(\s*{k}\b|\b{k}\s*(===|!==|==|!=)\s*['\"]|['\"]\s*(===|!==)\s*{k}\b|\bin\s+\w*(ALLOWED|allowed|PROVIDERS|providers)\b|hasOwn", body):
            return
    yield RULE.hit(node, f"`{text(left)[:50]}` is written with a key from the request: the client picks which field (or __proto__) is overwritten")
