"""Go login compares the password as plain data.

## What it does
Flags password checks that can only work when passwords are stored in plaintext (or as an unsalted
hash): `password == passwordFromDB` with `==`/`!=`, SQL conditions `WHERE ... password = ?`, and gorm
`Where(User{Name: name, Password: password})` / `Where("password = ?", password)`.

## Why it matters in production
A database leak (a backup, an SQL injection, a replica) then hands out every user's password —
reused on their mail and bank. `==` also leaks timing. bcrypt/argon2 hashes are salted, so they
cannot be matched in a WHERE clause: code that does so is not using them.

## Example
```go
if password == passwordFromDB {
    return true
}
```

## Use instead
```go
hash, err := repo.PasswordHash(ctx, username)
if err != nil || bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil {
    return false
}
```

## Known limitations
Comparisons of two variables both named like passwords are taken as plaintext comparisons; an
explicit hash call on either side is accepted (but see `subtle.ConstantTimeCompare`).

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
- https://pkg.go.dev/golang.org/x/crypto/bcrypt
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules._memo import names_absent
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-205",
    name="go-plaintext-password-check",
    category=Category.AUTHENTICATION,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Store bcrypt/argon2id hashes and verify with bcrypt.CompareHashAndPassword (constant time).",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html",),
)

PASSWORD = lazy_compile(r"(?i)^[\w.]*(password|passwd|pwd)(from\w*|db|stored|_db|_from_db)?$")
HASHED = lazy_compile(r"(?i)(hash|bcrypt|argon|scrypt|sha\d*|md5|digest|crypt)")
SQL_PASSWORD = lazy_compile(r"(?i)\b(where|and)\b[^;]*\bpassword\s*=\s*(\?|\$\d+|:\w+|@\w+)")


def _no_password_names(ctx: TreeContext) -> bool:
    """skip_file=: test code, or no name that PASSWORD can match (every match holds passw or pwd,
    ignoring case, and both sides are pieces of the file's text)."""
    return in_test_code(ctx) or names_absent(ctx, "passw", "pwd")


@RULE.on_tree("binary_expression", languages=(Language.GO,), skip_file=_no_password_names)
def check_compare(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    operator = node.child_by_field_name("operator")
    if operator is None or text(operator) not in {"==", "!="} or non_production(ctx.path, ctx.is_test_file):
        return
    left, right = field(node, "left"), field(node, "right")
    if left is None or right is None:
        return
    sides = [text(left), text(right)]
    if not all(PASSWORD.match(side) for side in sides) or any(HASHED.search(side) for side in sides):
        return
    if any(re.search(r"(?i)(confirm|repeat|again|retype|verif|new)", side) for side in sides):
        return  # "passwords do not match" check on a form
    if any(side.split(".")[0] in ctx.imports or re.fullmatch(r"[A-Z][A-Z0-9_]*", side.split(".")[-1]) for side in sides):
        return  # compared with a package constant (a placeholder such as common.RandomPassword)
    ctx.examine(RULE)
    yield RULE.hit(node, f"`{sides[0]} {text(operator)} {sides[1]}` compares passwords in plaintext (and not in constant time)")


def _maybe_query(callee: str) -> bool:
    """Implied by check_query's method tests (the method is the callee's last name)."""
    return callee.endswith(("Where", "First", "Find", "Take")) or callee.lower().rstrip("x").endswith(
        ("query", "queryrow", "querycontext", "queryrowcontext", "get", "select")
    )


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=_maybe_query, skip_file=in_test_code)
def check_query(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if non_production(ctx.path, ctx.is_test_file):
        return
    parts = go.selector_parts(field(node, "function"))
    args = go.call_args(node)
    if parts is None or not args:
        return
    method = parts[1]
    if method in {"Where", "First", "Find", "Take"}:
        first = args[0]
        value = string_value(first)
        if value is not None and re.search(r"(?i)^\s*password\s*=\s*\?", value) or (
            first.type == "composite_literal" and "Password" in go.keyed_elements(first)
        ):
            ctx.examine(RULE)
            yield RULE.hit(node, f"{method}() matches users by password: passwords are stored in plaintext or unsalted")
        return
    if method.lower().rstrip("x") in {"query", "queryrow", "querycontext", "queryrowcontext", "get", "select"}:
        value = string_value(args[1] if method.endswith("Context") and len(args) > 1 else args[0])
        if value is not None and SQL_PASSWORD.search(value) and not HASHED.search(value):
            ctx.examine(RULE)
            yield RULE.hit(node, f"{method}() matches users by password in SQL: passwords are stored in plaintext or unsalted")
