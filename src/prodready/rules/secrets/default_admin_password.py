"""Default account created with a password written in the code

## What it does
Flags a password that ships in the source for an account the service creates or accepts: a
constant or setting named for a default, admin or initial password with a literal value
(`DEFAULT_PASSWORD = "admin123"`, Go `viper.SetDefault("ADMIN_PASSWORD", "admin")`), a literal
handed to a password hash or a user-creation call (`create_user("admin", password="admin")`,
`generate_password_hash("changeme")`, `hashPassword('password')`), and the hash of such a default
constant where the account is made (`generate_password_hash(constants.DEFAULT_PASSWORD)`).

## Why it matters in production
Scanners try `admin/admin`, `admin/admin123` and `admin/password` on every login page they find.
An install that starts with a known administrator password is taken over the moment it is reachable,
often before its owner has logged in once.

## Example
```python
user = User(name="admin", role=ROLE_ADMIN)
user.password = generate_password_hash("admin123")
```

## Use instead
Generate the first password at install (`secrets.token_urlsafe(16)`) and print it once, or require
it from the environment and refuse to start without it; force a change at first login.

## Known limitations
Passwords assembled at run time or read from a shipped config file are PR-SE-001's to judge.

## References
- https://cwe.mitre.org/data/definitions/1392.html
- https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-SE-005",
    name="default-admin-password",
    category=Category.SECRETS,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Generate the first password at install (and print it once) or require it from the environment; force a change at first login.",
    references=("https://cwe.mitre.org/data/definitions/1392.html",),
)

# DEFAULT_PASSWORD, _DEFAULT_PASSWORD, ADMIN_PASSWORD, initial_admin_password, ROOT_PASS
DEFAULT_NAME = lazy_compile(r"(?i)(default|admin|initial|root|superuser|first)\w*_?pass(word|wd)?$")
DEFAULT_REF = lazy_compile(r"^_?(?i:default)\w*_?(?i:pass(word|wd)?)$")
HASHERS = lazy_compile(
    r"(^|\.)(generate_password_hash|make_password|hash_password|hashPassword|get_password_hash|hashpw|"
    r"GenerateFromPassword|set_password|setPassword)$"
)
CREATORS = lazy_compile(r"(^|\.)(create_user|create_superuser|create_admin\w*|createUser|createAdmin\w*|CreateAdmin\w*|CreateUser)$")
# Placeholders a template asks the operator to replace are still what runs when nobody does.
EMPTY = frozenset({"", "*", "xxx"})
SAMPLE_PATH = lazy_compile(r"(?i)(^|/)(tests?|testdata|fixtures?|examples?|docs?|e2e|__tests__|mocks?)(/|$)|(_test|\.test|\.spec)\.\w+$")


def _literal(value: str | None) -> bool:
    return value is not None and value.strip() not in EMPTY and len(value) <= 64 and "{" not in value


# -- Python -----------------------------------------------------------------------------------------

def _py_const(node: ast.AST | None) -> str | None:
    return pyast.const_str(node) if node is not None else None


# the last names of HASHERS and CREATORS: the engine hands this rule only such calls
PY_CALLS = ["generate_password_hash", "make_password", "hash_password", "hashPassword", "get_password_hash", "hashpw",
            "GenerateFromPassword", "set_password", "setPassword", "create_user", "create_superuser", "create_admin",
            "create_admin_user", "createUser", "createAdmin", "CreateAdmin", "CreateUser"]


@RULE.on_python(ast.Call, calls=PY_CALLS)
def check_python_call(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    yield from _check_python(node, ctx)


@RULE.on_python(ast.Assign, ast.AnnAssign)
def check_python(node: ast.AST, ctx: PyContext) -> Iterator[Hit]:
    yield from _check_python(node, ctx)


def _check_python(node: ast.AST, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or SAMPLE_PATH.search(ctx.path):
        return
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else "" for t in targets]
        if not any(DEFAULT_NAME.search(n) for n in names) or not _literal(_py_const(node.value)):
            return
        ctx.examine(RULE)
        yield RULE.hit(node, f"`{names[0]}` ships a fixed password: every install starts with the same credentials")
        return
    assert isinstance(node, ast.Call)
    last = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id if isinstance(node.func, ast.Name) else ""
    if not (HASHERS.search(last) or CREATORS.search(last)):
        return  # (before resolving the name: every call of every file passes here)
    name = ctx.call_name(node) or ""
    if HASHERS.search(name):
        first = node.args[0] if node.args else None
        # `constants.DEFAULT_PASSWORD`: a shipped default; `settings.ADMIN_PASSWORD` is read from the environment
        default_ref = first is not None and DEFAULT_REF.search(ast.unparse(first).rsplit(".", 1)[-1]) is not None
        if _literal(_py_const(first)) or default_ref:
            ctx.examine(RULE)
            yield RULE.hit(node, f"{name}() hashes a password written in the code: the account it protects has "
                                 "well-known credentials")
    elif CREATORS.search(name):
        password = next((k.value for k in node.keywords if k.arg == "password"), None)
        if _literal(_py_const(password)):
            ctx.examine(RULE)
            yield RULE.hit(node, f"{name}() creates an account with a password written in the code")


# -- Go ---------------------------------------------------------------------------------------------

def _go_default_call(name: str) -> bool:
    return name.endswith(("SetDefault", "Getenv", "GetEnv", "getEnv", "EnvOrDefault", "getenv")) or bool(HASHERS.search(name))


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=_go_default_call, skip_file=in_test_code)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if not _go_default_call(name) or non_production(ctx.path, ctx.is_test_file) or SAMPLE_PATH.search(ctx.path):
        return
    args = go.call_args(node)
    if HASHERS.search(name):
        literal = re.fullmatch(r"\[\]byte\((\"[^\"]*\"|`[^`]*`)\)", text(args[0])) if args else None
        if literal and _literal(literal.group(1)[1:-1]):
            ctx.examine(RULE)
            yield RULE.hit(node, f"{name}() hashes a password written in the code: the account has well-known credentials")
        return
    if len(args) != 2:
        return
    key, value = string_value(args[0]), string_value(args[1])
    if key and re.search(r"(?i)pass(word|wd)?$", key) and re.search(r"(?i)admin|root|default|initial|super", key) \
            and args[1].type in {"interpreted_string_literal", "raw_string_literal"} and _literal(value):
        ctx.examine(RULE)
        yield RULE.hit(node, f"{key} defaults to a fixed password: an install that does not set it runs with "
                             "well-known admin credentials")


# -- JavaScript / TypeScript ----------------------------------------------------------------------

@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              callee=lambda name: bool(HASHERS.search(name) or name in {"bcrypt.hash", "bcrypt.hashSync", "argon2.hash"}),
              skip_file=js.test_or_script)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = js.callee(node)
    if not (HASHERS.search(name) or name in {"bcrypt.hash", "bcrypt.hashSync", "argon2.hash"}) or ctx.is_test_file \
            or js.SCRIPT_PATH.search(ctx.path) or SAMPLE_PATH.search(ctx.path):
        return
    args = js.args(node)
    if not args or args[0].type != "string" or not _literal(string_value(args[0])):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f"{name}({text(args[0])}) hashes a password written in the code: the account it protects "
                         "has well-known credentials")
