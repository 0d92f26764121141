"""Login answers unknown accounts before checking any password hash

## What it does
Flags login code that looks the user up, returns or throws at once when there is no such user,
and only runs the slow password-hash check (`verify_password`, `bcrypt.compare`,
`user.isPasswordMatch`, `bcrypt.CompareHashAndPassword`) for accounts that exist. Code that checks
a dummy hash for unknown users is left alone.

## Why it matters in production
A bcrypt or argon2 check takes tens of milliseconds; skipping it for unknown accounts makes "no
such user" measurably faster than "wrong password". Timing a few requests per address tells an
attacker which e-mail addresses have accounts, even when both answers say "incorrect e-mail or
password" — the list then feeds credential stuffing and phishing.

## Example
```python
def authenticate(email: str, password: str) -> User | None:
    user = get_user_by_email(email)
    if not user:
        return None
    if not verify_password(password, user.hashed_password):
        return None
    return user
```

## Use instead
```python
DUMMY_HASH = get_password_hash("not-a-real-password")

def authenticate(email: str, password: str) -> User | None:
    user = get_user_by_email(email)
    if not verify_password(password, user.hashed_password if user else DUMMY_HASH) or not user:
        return None
    return user
```

## Known limitations
Only the function that both looks the user up and checks the hash is read; a lookup in one
helper and a check in another are not connected.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-responses
- https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/03-Identity_Management_Testing/04-Testing_for_Account_Enumeration_and_Guessable_User_Account
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import names_absent
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-006",
    name="login-timing-enumeration",
    category=Category.AUTHENTICATION,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Check the password against a dummy hash when the account does not exist, so both paths take as long.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-responses",),
)

VERIFY = lazy_compile(
    r"(?i)(^|\.)(verify_?password|check_?password(_hash)?|checkpw|is_?password_?match|compare_?password|"
    r"password_?matches|match_?password|validate_?password|CompareHashAndPassword|verify)$"
)
LOOKUP = lazy_compile(r"(?i)(get|find|fetch|load|lookup|query|select|read)\w*(user|email|username|account|login|one|first)\w*$|^first$|^findOne$|^scalar")
MESSAGE = "unknown accounts are answered before any password hash is checked: the faster reply tells an attacker which accounts exist"


# ---------------------------------------------------------------- Python


def _py_verify_calls(function: ast.AST, ctx: PyContext) -> list[ast.Call]:
    calls = []
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            name = ctx.call_name(node) or ""
            if VERIFY.search(name) and ("password" in name.lower() or "bcrypt" in name or "pwd" in name or "checkpw" in name or "hasher" in name.lower()):
                calls.append(node)
    return calls


def _py_is_lookup(name: str) -> bool:
    """`get_user_by_email(...)`, or a generic `get`/`find` on a users repository (`crud_users.get(...)`)."""
    receiver, _, method = name.rpartition(".")
    return bool(LOOKUP.search(method)) or (
        method in {"get", "find", "get_one", "find_one", "fetch_one", "one_or_none"} and bool(re.search(r"(?i)user|account|member", receiver))
    )


def _no_verify_call(ctx: PyContext) -> bool:
    """skip_file=: a test file, or one where no call name can pass _py_verify_calls (every name
    VERIFY accepts with one of the required words holds `password`, `checkpw` or `verify` and one of
    them)."""
    if ctx.is_test_file:
        return True
    if not names_absent(ctx, "password", "checkpw", ignore_case=True):
        return False
    return names_absent(ctx, "verify", ignore_case=True) or names_absent(ctx, "bcrypt", "pwd", "hasher", ignore_case=True)


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=_no_verify_call)
def check_python(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    verifies = _py_verify_calls(node, ctx)
    if not verifies:
        return
    first_verify = min(v.lineno for v in verifies)
    looked_up: set[str] = set()
    for statement in ast.walk(node):
        if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.lineno < first_verify:
            value = statement.value
            if isinstance(value, ast.Await):
                value = value.value
            if isinstance(value, ast.Call) and _py_is_lookup(ctx.call_name(value) or ""):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                looked_up.update(t.id for t in targets if isinstance(t, ast.Name))
    if not looked_up:
        return
    ctx.examine(RULE)
    for statement in ast.walk(node):
        if not isinstance(statement, ast.If) or statement.lineno > first_verify:
            continue
        test = statement.test
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) and any(
            _py_verify_calls(v, ctx) for v in test.values[1:]
        ):
            test = test.values[0]  # `if user is None or not user.check_password(pw)`: skipped for unknown users
        elif statement.lineno == first_verify:
            continue
        subject = (
            test.operand if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
            else test.left if isinstance(test, ast.Compare) and isinstance(test.ops[0], ast.Is) else None
        )
        if not isinstance(subject, ast.Name) or subject.id not in looked_up:
            continue
        exits = any(isinstance(s, ast.Return | ast.Raise) for s in statement.body)
        if exits and not _py_verify_calls(ast.Module(body=statement.body, type_ignores=[]), ctx):
            yield RULE.hit(statement, MESSAGE)
            return


# ---------------------------------------------------------------- JavaScript / TypeScript

JS_FUNCTIONS = ("function_declaration", "function_expression", "arrow_function", "method_definition")


JS_VERIFY = r"(bcrypt\w*\.compare(Sync)?|\.?(isPasswordMatch|comparePassword|verifyPassword|checkPassword|matchPassword|validatePassword)|argon2\.verify)\s*\("
GO_VERIFY = r"\bCompareHashAndPassword\(|argon2\w*\.\w*Compare\w*|\.(CheckPassword|VerifyPassword|ComparePassword)\("


def _no_js_verify(ctx: TreeContext) -> bool:
    """skip_file=: test code, or a file where JS_VERIFY matches nowhere (a function's text is a
    piece of the file's and the pattern has no anchors, so it cannot match there either)."""
    text = ctx.text
    # Every JS_VERIFY match holds "bcrypt", "Password" or "argon2": a substring test spares the
    # pattern (no literal prefix: it is tried at every position) in most files.
    return ctx.is_test_file or not (("bcrypt" in text or "Password" in text or "argon2" in text) and re.search(JS_VERIFY, text))


def _no_go_verify(ctx: TreeContext) -> bool:
    """skip_file=: test code, or a file where GO_VERIFY matches nowhere (as _no_js_verify)."""
    text = ctx.text
    # Every GO_VERIFY match holds "Password" or "argon2" (see _no_js_verify).
    return ctx.is_test_file or not (("Password" in text or "argon2" in text) and re.search(GO_VERIFY, text))


@RULE.on_tree(*JS_FUNCTIONS, languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_js_verify)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    body = text(node)
    verify = re.search(JS_VERIFY, body)
    if not verify:
        return
    lookup = re.search(
        r"(const|let|var)\s+(\w+)\s*=\s*(await\s+)?(?:[\w.]*\.)?(findOne|findUnique|findFirst|getUserBy\w+|findBy\w+|get\w*User\w*)\s*\(",
        body,
    )
    if not lookup or lookup.start() > verify.start():
        return
    name = re.escape(lookup.group(2))
    ctx.examine(RULE)
    # `if (!user) throw ...` before the check, `if (!user || !(await user.isPasswordMatch(pw)))`, or
    # `if (user && verifyPassword(pw, user.password))`: the hash is checked only for a known account
    early = re.search(rf"if\s*\(\s*(?:!\s*{name}\s*(\)|\|\|)|{name}\s*(&&))", body[lookup.end():])
    if not early:
        return
    offset = lookup.end() + early.start()
    if offset > verify.start():
        return
    if early.group(1) == ")":
        branch = _js_block(body, lookup.end() + early.end())
        if not re.search(r"\b(return|throw)\b", branch) or re.search(r"compare|verify|dummy", branch, re.I):
            return
    line = node.start_point[0] + body[:offset].count("\n") + 1
    yield Hit(line=line, message=MESSAGE)


def _js_block(body: str, start: int) -> str:
    """The statement or `{ ... }` block that follows an `if (...)` whose condition ends at `start`."""
    rest = body[start:]
    opening = len(rest) - len(rest.lstrip())
    if not rest[opening:].startswith("{"):
        return rest[: rest.find("\n") if "\n" in rest else 200]
    depth = 0
    for index in range(opening, len(rest)):
        depth += {"{": 1, "}": -1}.get(rest[index], 0)
        if depth == 0:
            return rest[opening: index + 1]
    return rest


# ---------------------------------------------------------------- Go


# `user, err := repo.GetByEmail(email)`, `user := db.Find(username)`, `u, exists := users[creds.Username]`
GO_LOOKUP = lazy_compile(
    r"(?P<user>\w+),\s*err\s*:?=\s*[\w.]*\.(GetBy\w+|FindBy\w+|Get\w*User\w*|Find\w*User\w*|\w*ByEmail|\w*ByUsername|\w*ByLogin)\(|"
    r"(?P<one>\w+)\s*:?=\s*[\w.]*\.(Find|Get|Lookup)\((\w+\.)?(?i:username|user_?name|login|email)\w*\)|"
    r"(?P<map>\w+),\s*(?P<found>ok|exists|found)\s*:?=\s*[\w.]+\[(\w+\.)?(?i:username|user_?name|login|email)\w*\]"
)


@RULE.on_tree("function_declaration", "method_declaration", languages=(Language.GO,), skip_file=_no_go_verify)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    body = field(node, "body")
    if body is None:
        return
    source = text(body)
    verify = re.search(GO_VERIFY, source)
    if not verify:
        return
    lookup = GO_LOOKUP.search(source)
    if not lookup or lookup.start() > verify.start():
        return
    ctx.examine(RULE)
    after = source[lookup.end(): verify.start()]
    found = re.escape(lookup.group("found") or "ok")
    user = re.escape(lookup.group("user") or lookup.group("one") or lookup.group("map"))
    early = re.search(rf"if\s+(err\s*!=\s*nil|{user}\s*==\s*nil|!{found})\s*\{{", after)
    if not early:
        return
    block = after[early.end(): early.end() + 300]
    block = block[: block.find("}")] if "}" in block else block
    if "return" not in block or re.search(r"Compare|dummy", block, re.I):
        return
    offset = lookup.end() + early.start()
    line = body.start_point[0] + source[:offset].count("\n") + 1
    yield Hit(line=line, message=MESSAGE)

