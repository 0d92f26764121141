"""Login or password reset that reveals whether an account exists

## What it does
Flags messages sent back to the client from login, sign-in and forgot/reset-password code that
say the account does not exist — `Email ${email} not found.`, "Account with that email address
does not exist.", "No user with that username" — in `res.json/send`, `req.flash`, or a Passport
`done(null, false, { message })`, or a thrown `new ApiError(NOT_FOUND, ...)`; in Python, an
`HTTPException`/`abort` with such a message in a login, password-recovery or reset handler. Log
lines are ignored.

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

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import ancestors, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import lowered_text
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-106",
    name="js-account-enumeration",
    category=Category.AUTHENTICATION,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT, Language.PYTHON}),
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


def _no_revealing_text(ctx: TreeContext) -> bool:
    """skip_file=: test code, a script, or a file whose text REVEALS cannot match (a string's text
    is a piece of the file's, quotes included, so any match in it is a match in the file)."""
    return js.test_or_script(ctx) or not _reveals(ctx.text, lowered_text(ctx) if ctx.text.isascii() else None)


# Every REVEALS match holds one of these (lower-cased); only ASCII text is tested this way: the
# pattern ignores case the Unicode way (`ſ` matches `s`), which lower() does not reproduce.
_REVEAL_WORDS = ("not found", "not exist", "doesn't exist", "not registered", "not associated", "no user", "no account")


# The longest REVEALS match ("username" + 40 characters + "is not associated") is 65 characters.
_REVEAL_REACH = 70


def _reveals(text: str, lowered: str | None = None) -> bool:
    """``REVEALS.search(text)``, on ASCII text only around the _REVEAL_WORDS each match holds: a
    match holds one of them, so it lies within _REVEAL_REACH characters of one. (The pattern has no
    literal prefix and is tried at every position: a whole file costs more than a few windows. A
    window's start keeps the real text before it for word boundaries; no word boundary of the
    pattern can fall on a window's end, where a match's last words would be cut.)"""
    if not text.isascii():
        return REVEALS.search(text) is not None
    if lowered is None:
        lowered = text.lower()
    for word in _REVEAL_WORDS:
        found = lowered.find(word)
        while found != -1:
            if REVEALS.search(text, max(0, found - _REVEAL_REACH), found + len(word) + _REVEAL_REACH):
                return True
            found = lowered.find(word, found + 1)
    return False


@RULE.on_tree("string", "template_string", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_revealing_text)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    value = text(node)
    if not REVEALS.search(value):
        return
    near = list(ancestors(node))[:5]
    call = next((a for a in near if a.type == "call_expression"), None)
    thrown = next((a for a in near if a.type == "new_expression"), None)
    if thrown is not None and re.search(r"Error|Exception|NotFound", text(thrown.child_by_field_name("constructor"))):
        pass  # throw new ApiError(httpStatus.NOT_FOUND, 'No users found with this email'): the error handler sends it
    elif call is None or not RESPONDS.search(js.callee(call)) or re.match(r"(console|logger|log)\b", js.callee(call)):
        return
    func = _outer(node)
    # `const generateResetPasswordToken = async (email) => {...}`: the name is outside the function
    named = text(func.parent.child_by_field_name("name")) if func is not None and func.parent is not None and func.parent.type == "variable_declarator" else ""
    if func is None or not AUTH_CONTEXT.search(named + " " + text(func)):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f"{value[:60]} tells the caller the account does not exist: accounts can be enumerated")


@RULE.on_python(ast.Call, calls=["HTTPException", "abort", "NotFound", "ValidationError"], skip_file=in_test_file)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    messages = [a for a in [*node.args, *(k.value for k in node.keywords)] if isinstance(a, ast.Constant | ast.JoinedStr)]
    message = next((ast.unparse(m) if isinstance(m, ast.JoinedStr) else str(m.value) for m in messages
                    if REVEALS.search(ast.unparse(m) if isinstance(m, ast.JoinedStr) else str(m.value))), None)
    if message is None:
        return
    function = pyast.enclosing_function(node)
    while function is not None and pyast.enclosing_function(function) is not None:
        function = pyast.enclosing_function(function)
    decorators = " ".join(ast.unparse(d) for d in function.decorator_list) if function is not None else ""
    if function is None or not AUTH_CONTEXT.search(function.name + " " + decorators):
        return
    if re.search(r"current_(active_)?(super)?user|login_required|admin_required", decorators):
        return  # only an authenticated (admin) caller gets the answer
    before = [c for c in ast.walk(function) if isinstance(c, ast.Call) and c.lineno < node.lineno]
    if any(re.search(r"(?i)verify\w*token|decode\w*token|check\w*token", ctx.call_name(c) or "") for c in before):
        return  # a reset that already proved possession of the mailed token: nothing left to enumerate
    ctx.examine(RULE)
    yield RULE.hit(node, f"{message[:60]!r} tells the caller the account does not exist: accounts can be enumerated")
