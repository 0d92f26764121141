"""Minimum password length below 8 (JS/TS)

## What it does
Flags password validation that accepts fewer than 8 characters: express-validator
`check("password").isLength({ min: 4 })`, `validator.isLength(password, { min: 6 })`, and
Joi/zod/yup schemas `password: Joi.string().min(6)` / `z.string().min(6)`.

## Why it matters in production
Short passwords fall to online guessing and to offline cracking of a leaked hash within minutes.
NIST SP 800-63B asks for at least 8 characters (15 when the password is the only factor).

## Example
```ts
await check("password", "Password must be at least 4 characters long").isLength({ min: 4 }).run(req);
```

## Use instead
```ts
await check("password", "Password must be at least 12 characters long").isLength({ min: 12 }).run(req);
```

## Known limitations
Only literal minimums on fields named like `password` are read.

## References
- https://pages.nist.gov/800-63-3/sp800-63b.html#memsecret
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

RULE = RuleMeta(
    id="PR-IV-109",
    name="weak-password-rule",
    # Reviewers file a missing or short password rule under input validation.
    aliases=("PR-AU-105", "js-weak-password-length"),
    category=Category.INPUT_VALIDATION,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Require at least 8 characters (NIST 800-63B), better 12+, and check against breached-password lists.",
    references=("https://pages.nist.gov/800-63-3/sp800-63b.html#memsecret",),
)

PASSWORD = lazy_compile(r"(?i)['\"`]?(new_?|confirm_?)?password['\"`]?")


def _min_value(node: Any) -> int | None:
    """N in isLength({ min: N }) / .min(N)."""
    name = js.callee(node).split(".")[-1]
    arguments = js.args(node)
    if name == "min" and len(arguments) >= 1 and arguments[0].type == "number":
        return int(float(text(arguments[0])))
    if name == "isLength":
        options = next((a for a in arguments if a.type == "object"), None)
        value = js.object_value(options, "min") if options is not None else None
        if value is not None and value.type == "number":
            return int(float(text(value)))
    return None


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda name: name.split(".")[-1] in {"min", "isLength"})
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    minimum = _min_value(node)
    if minimum is None or ctx.is_test_file:
        return
    function = field(node, "function")
    chain = text(field(function, "object")) if function is not None and function.type == "member_expression" else ""
    owner = node.parent
    while owner is not None and owner.type in {"member_expression", "call_expression", "await_expression", "arguments"}:
        owner = owner.parent
    key = text(field(owner, "key")) if owner is not None and owner.type == "pair" else ""
    args = " ".join(text(a) for a in js.args(node))
    subject = f"{chain} {key} {args}"
    if not re.search(r"(?i)\bpassword\b|['\"]password['\"]|newPassword|new_password", subject):
        return
    if re.search(r"(?i)confirm", key) or re.search(r"\.keys\(|\bobject\(", chain):
        return  # Joi.object().keys({...}).min(1): a count of keys, not a length
    ctx.examine(RULE)
    if 1 < minimum < 8:  # min: 1 is a "not blank" check on a login form, not a policy
        yield RULE.hit(node, f"password minimum length is {minimum}: short passwords fall to guessing and cracking")
