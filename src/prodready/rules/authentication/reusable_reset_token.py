"""Password-reset token that can be used again until it expires

## What it does
Flags password-reset links built from a self-contained signed token (`jwt.encode(...)` in Python,
`jwt.sign(...)` in JavaScript) whose claims carry nothing that changes when the password does
(the current password hash, a per-user nonce or version) and that is never stored server-side.
Reset tokens that are stored (and deleted when used) or bound to the password hash are left alone.

## Why it matters in production
Such a token stays valid for its whole lifetime however often it is used, and resetting the
password does not cancel it. Anyone who sees the link later — in a mail archive, a shared inbox, a
proxy log, the browser history of a shared computer — can reset the password again and take the
account over, even after the owner has changed it.

## Example
```python
def generate_password_reset_token(email: str) -> str:
    return jwt.encode({"sub": email, "exp": expires}, settings.SECRET_KEY, algorithm="HS256")
```

## Use instead
```python
def generate_password_reset_token(user: User) -> str:
    # the hash changes with the password, so the link dies once it has been used
    return jwt.encode({"sub": user.email, "exp": expires, "pwd": user.hashed_password[-12:]}, key, algorithm="HS256")
```
Or store a random token (hashed) with the user, and delete it when it is used.

## Known limitations
A verifier that checks a claim against a stored value elsewhere is not read: bind the token in
the function that creates it, or suppress with the reason.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html#url-tokens
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-007",
    name="reusable-reset-token",
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Bind the reset token to the current password hash (or a stored nonce) so it dies once used, or store it and delete it on use.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html#url-tokens",),
)

RESET_FUNCTION = lazy_compile(r"(?i)(reset|forgot|recover)\w*token|token\w*(reset|forgot|recover)")
BOUND = lazy_compile(r"(?i)hash|pwd|passw|nonce|version|jti|secret|salt|last_?login|updated_?at")
STORED = lazy_compile(r"(?i)\b(session\.add|\.save\(|\.create\(|insert|redis|cache\.set|\.setex|Token\.)")
MESSAGE = "the reset token carries nothing that changes when the password does and is not stored: the link can be used again until it expires"


@RULE.on_python(ast.Call, calls=["encode"], skip_file=in_test_file)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not (ctx.call_name(node) or "").endswith("jwt.encode") or not node.args:
        return
    function = pyast.enclosing_function(node)
    if function is None or not RESET_FUNCTION.search(function.name):
        return
    ctx.examine(RULE)
    claims = ast.unparse(node.args[0])
    if BOUND.search(claims.replace("reset_password", "")) or STORED.search(ast.unparse(function)):
        return
    yield RULE.hit(node, MESSAGE)


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee={"jwt.sign", "jsonwebtoken.sign"}.__contains__)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.callee(node) not in {"jwt.sign", "jsonwebtoken.sign"} or not js.args(node):
        return
    function = js.enclosing_function(node)
    while function is not None and js.enclosing_function(function) is not None:
        function = js.enclosing_function(function)
    if function is None:
        return
    declared = function.parent.child_by_field_name("name") if function.parent is not None and function.parent.type == "variable_declarator" else function.child_by_field_name("name")
    if not RESET_FUNCTION.search(text(declared)):
        return
    ctx.examine(RULE)
    if BOUND.search(text(js.args(node)[0]).replace("resetPassword", "")) or STORED.search(text(function)):
        return
    yield RULE.hit(node, MESSAGE)
