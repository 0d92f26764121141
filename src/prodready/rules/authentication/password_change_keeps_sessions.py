"""Password reset or change leaves existing sessions and tokens valid

## What it does
Flags a password reset or change — a function named for it (`reset_password`, `changePassword`,
`UpdatePassword`, or `Change`/`Update` in a password module) that stores a new password hash — when
nothing in it revokes what was issued before: no session deletion or regeneration, no token
revocation, denylist or token-version bump, no `logout`. Deleting only the reset token itself
(`Token.deleteMany({ user, type: RESET_PASSWORD })`) does not count. The finding points at the
line that stores the new password.

## Why it matters in production
A password reset is what a user does when they think someone else has their account. If the
attacker's sessions, refresh tokens and long-lived JWTs stay valid, the reset locks out nobody: the
attacker keeps access until the tokens expire on their own (often days or weeks).

## Example
```python
@router.post("/reset-password/")
def reset_password(session: SessionDep, body: NewPassword):
    user = verify_reset(body.token)
    user.hashed_password = get_password_hash(body.new_password)
    session.commit()
```

## Use instead
```python
    user.hashed_password = get_password_hash(body.new_password)
    user.token_version += 1          # every JWT carries the version; older ones are refused
    revoke_refresh_tokens(user.id)
    session.commit()
```

## Known limitations
Revocation done by a database trigger, by the caller of the function, or by short-lived tokens
with no refresh is not seen; suppress with that note.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html#resetting-the-password
- https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#renew-the-session-id-after-any-privilege-level-change
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang.javascript import CLIENT_PATH
from prodready.lang.treesitter import field, line_of, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-010",
    name="password-change-keeps-sessions",
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="On reset/change, revoke the user's other sessions and refresh tokens (or bump a token version checked on every request).",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html",),
)

CHANGE_NAME = lazy_compile(r"(?i)((reset|change|update|recover|set|new)_?password|password_?(reset|change|update))")
PASSWORD_MODULE = lazy_compile(r"(?i)(^|/)[^/]*password[^/]*(/|$)")
MODULE_CHANGE = lazy_compile(r"(?i)^(change|update|reset)$")
# Storing the new password: `user.hashed_password = ...`, `{ password: newPassword }`, `u.ChangePassword(...)`
STORES = lazy_compile(
    r"(?i)(\.(hashed_?password|password_?hash|password)\s*=(?!=)|\bset_password\(|\bChangePassword\(|"
    r"\bHashedPassword\s*[:=]|[{,]\s*password\s*:\s*\w|\bupdate\w*\([^)]*password)"
)
REVOKES = lazy_compile(
    r"(?i)(revoke|invalidat|logout|log_out|sign_?out|token_?version|tokens?_?valid_?after|jti|blacklist|denylist|"
    r"session\w*\.(delete|destroy|clear|flush|regenerate)|(delete|destroy|clear|remove)\w*sessions?|"
    r"(delete|remove)\w*(refresh|all)_?tokens?|password_?changed_?at\b.*(check|compare|<|>))"
)


def _judge(body: str, first_line: int) -> int | None:
    """The line (absolute) that stores the new password when nothing revokes sessions, else None."""
    if body.count("\n") < 3 or REVOKES.search(body):
        return None  # a setter (`func (u *User) ChangePassword(h string) { u.Password = h }`): its callers decide
    match = STORES.search(body)
    if match is None:
        return None
    return first_line + body[: match.start()].count("\n")


SETTER = lazy_compile(r"^(_?set_?password|SetPassword|setPassword)$")
NOT_SERVICE = lazy_compile(r"(?i)(^|/)(cli|cmd/\w*cli\w*|scripts?|tools|migrations)(/|$)")


def _named_for_it(name: str, path: str) -> bool:
    """A reset/change flow, not a model's setter (its callers decide) nor an operator's CLI command."""
    if SETTER.match(name) or NOT_SERVICE.search(path):
        return False
    return bool(CHANGE_NAME.search(name) or (PASSWORD_MODULE.search(path) and MODULE_CHANGE.match(name)))


def _message(name: str) -> str:
    return (f"{name}() stores a new password but revokes no session or token: whoever already holds one "
            "(the attacker the reset is for) keeps access")


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef)
def check_python(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not _named_for_it(node.name, ctx.path):
        return
    ctx.examine(RULE)
    body = ast.get_source_segment(ctx.text, node) or ""
    line = _judge(body, node.lineno)
    if line is not None:
        yield Hit(line=line, message=_message(node.name))


FUNCTIONS = ("function_declaration", "method_definition", "method_declaration", "variable_declarator")


@RULE.on_tree(*FUNCTIONS, languages=(Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO),
              skip_file=lambda ctx: ctx.is_test_file or "assword" not in ctx.text)
def check_tree(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or (ctx.language != Language.GO and CLIENT_PATH.search(ctx.path)):
        return  # browser code calls the API; the server is where sessions live
    name_node = field(node, "name")
    if name_node is None:
        return
    if node.type == "variable_declarator":
        value = field(node, "value")
        if value is None or value.type not in {"arrow_function", "function_expression", "function"}:
            return
    name = text(name_node)
    if not _named_for_it(name, ctx.path):
        return
    ctx.examine(RULE)
    body = text(node)
    line = _judge(body, line_of(node))
    if line is not None:
        yield Hit(line=line, message=_message(name))
