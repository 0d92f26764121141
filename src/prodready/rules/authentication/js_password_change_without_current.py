"""Password change that does not ask for the current password (JS/TS)

## What it does
Flags handlers named like `updatePassword` / `changePassword` / `postUpdatePassword` that set the
user's password from the request (`user.password = req.body.password`, `{ password: req.body... }`)
without ever checking the current one (`currentPassword`, `oldPassword`, `comparePassword`,
`bcrypt.compare`, `argon2.verify`). Reset-by-token flows are not reported.

## Why it matters in production
A stolen session (XSS, a shared computer, a leaked cookie) becomes a permanent account takeover:
the attacker sets a new password and locks the owner out. Asking for the current password is what
separates "using a session" from "owning the account"; other sessions should also be revoked.

## Example
```js
exports.postUpdatePassword = async (req, res) => {
  const user = await User.findById(req.user.id);
  user.password = req.body.password;
  await user.save();
};
```

## Use instead
```js
exports.postUpdatePassword = async (req, res) => {
  const user = await User.findById(req.user.id);
  if (!(await user.comparePassword(req.body.currentPassword))) return res.status(403).end();
  user.password = req.body.password;
  await user.save();               // and invalidate the user's other sessions
};
```

## Known limitations
A re-authentication step done in middleware (a "sudo mode" check) is not seen.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#change-password-feature
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
    id="PR-AU-104",
    name="js-password-change-without-current",
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Verify the current password before changing it, then revoke the user's other sessions and tokens.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#change-password-feature",),
)

CHANGE_NAME = lazy_compile(r"(?i)(update|change|set|edit)_?password")
CHECKS_CURRENT = lazy_compile(
    r"(?i)current_?password|old_?password|previous_?password|compare_?password|verify_?password|check_?password|bcrypt\w*\.compare|argon2\.verify|isValidPassword|validPassword|matchPassword|reset_?token|\btoken\b"
)


def _outer(node: Any) -> Any:
    func = js.enclosing_function(node)
    while func is not None and js.enclosing_function(func) is not None:
        func = js.enclosing_function(func)
    return func


def _name(func: Any) -> str:
    name = js.function_name(func) or ""
    parent = func.parent
    if not name and parent is not None and parent.type == "variable_declarator":
        name = text(field(parent, "name"))
    if not name and parent is not None and parent.type == "assignment_expression":
        name = text(field(parent, "left")).split(".")[-1]
    return name


def _no_password_write(ctx: TreeContext) -> bool:
    """skip_file=: test code, or no `.password` in the file (the left side's text is a piece of it)."""
    return ctx.is_test_file or ".password" not in ctx.text


@RULE.on_tree("assignment_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_password_write)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    left = text(field(node, "left"))
    right = text(field(node, "right"))
    if not left.endswith(".password") or not re.search(r"\b(req|request)\.body\b|\bbody\.", right) or ctx.is_test_file:
        return
    func = _outer(node)
    if func is None or not CHANGE_NAME.search(_name(func)):
        return
    ctx.examine(RULE)
    if CHECKS_CURRENT.search(text(func)):
        return
    yield RULE.hit(node, f"{_name(func)} sets {left} from the request without checking the current password: a hijacked session takes over the account")
