"""Login or password reset that reveals whether an account exists (JS/TS)

## What it does
Flags messages sent back to the client from login, sign-in and forgot/reset-password code that
say the account does not exist — `Email ${email} not found.`, "Account with that email address
does not exist.", "No user with that username" — in `res.json/send`, `req.flash`, or a Passport
`done(null, false, { message })`. Log lines are ignored.

## Why it matters in production
A different answer for "unknown account" and "wrong password" (or "reset e-mail sent") turns the
form into an oracle: attackers confirm which e-mail addresses have accounts, then target exactly
those with credential stuffing and phishing.

## Example
```ts
if (!user) return done(undefined, false, { message: `Email ${email} not found.` });
```

## Use instead
```ts
if (!user) return done(undefined, false, { message: "Invalid email or password." });
// forgot password: "If an account exists for that address, we sent a reset link."
```

## Known limitations
Only literal messages are read; the timing difference of an early return is not measured.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-and-error-messages
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-106",
    name="js-account-enumeration",
    category=Category.AUTHENTICATION,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Answer unknown accounts exactly like wrong passwords (login) or like a successful request (forgot password).",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-and-error-messages",),
)

REVEALS = lazy_compile(
    r"(?i)\b(e-?mail|user(name)?|account)\b[^.!]{0,40}\b(not found|does not exist|doesn't exist|not registered|is not associated)"
    r"|\bno (user|account)s? (with|found|exists|registered)"
)
RESPONDS = lazy_compile(r"(^|\.)(flash|json|send|render|status|done|cb|callback|next|redirect)$")
AUTH_CONTEXT = lazy_compile(r"(?i)password|forgot|login|signin|sign_in|authenticate|LocalStrategy")


def _outer(node: Any) -> Any:
    func = js.enclosing_function(node)
    while func is not None and js.enclosing_function(func) is not None:
        func = js.enclosing_function(func)
    return func


@RULE.on_tree("string", "template_string", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    value = text(node)
    if not REVEALS.search(value):
        return
    call = next((a for a in list(ancestors(node))[:5] if a.type == "call_expression"), None)
    if call is None or not RESPONDS.search(js.callee(call)) or re.match(r"(console|logger|log)\b", js.callee(call)):
        return
    func = _outer(node)
    if func is None or not AUTH_CONTEXT.search(text(func)):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f"{value[:60]} tells the caller the account does not exist: accounts can be enumerated")
