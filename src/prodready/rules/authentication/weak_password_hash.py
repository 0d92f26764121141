"""Passwords hashed too cheaply

## What it does
Flags password hashing that an attacker with a copy of the user table can reverse quickly:
bcrypt with a cost below 10 (`bcrypt.hash(password, 8)`, `bcrypt.gensalt(rounds=8)`,
`bcrypt.GenerateFromPassword(pw, bcrypt.MinCost)`, passlib `bcrypt__rounds=8`), and passwords put
through a fast digest (`md5`, `sha1`, `sha256` of the password, in Python, JavaScript and Go).

## Why it matters in production
A database dump, a backup or a read-only SQL injection hands over every hash. A fast digest is
tested at billions of guesses per second on one GPU; bcrypt at cost 8 is 4× cheaper than cost 10.
Common and reused passwords fall within minutes, and those accounts (and the users' accounts
elsewhere) are open.

## Example
```javascript
user.password = await bcrypt.hash(user.password, 8);
```

## Use instead
```javascript
user.password = await bcrypt.hash(user.password, 12); // or argon2id with library defaults
```

## Known limitations
A cost read from configuration is not judged. Digests of a password that feed a key-derivation
function (PBKDF2, scrypt) are not flagged.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
- https://cwe.mitre.org/data/definitions/916.html
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
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_path
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-005",
    name="weak-password-hash",
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Hash passwords with bcrypt at cost 12 (at least 10), or argon2id/scrypt with the library's defaults.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html",),
)

MIN_COST = 10
PASSWORD = lazy_compile(r"(?i)pass(word|wd)?\b|password|passwd|\bpwd\b")
FAST_DIGESTS = {"md5", "sha1", "sha256", "sha512", "sha224", "sha384"}


# A digest stored as a token or cache key (Fever API's md5(user:pass), an ETag) is a protocol's
# choice, not password storage.
NOT_STORAGE = lazy_compile(r"(?i)token|etag|checksum|cache_?key|fingerprint|signature")


def _stored_as_other(ctx: Any, line: int) -> bool:
    lines = ctx.text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    target = re.split(r"[:!]?=", source, maxsplit=1)[0] if re.search(r"[:!]?=", source) else ""
    return bool(NOT_STORAGE.search(target))


def _cost_message(cost: int) -> str:
    return f"bcrypt cost {cost} (below {MIN_COST}): a stolen hash table is cracked {2 ** (MIN_COST - cost)}× faster than at cost {MIN_COST}"


# ---------------------------------------------------------------- Python


@RULE.on_python(ast.Call, calls=["gensalt", "CryptContext", "using", "md5", "sha1", "sha256", "sha512"], skip_file=in_test_file)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    name = ctx.call_name(node) or ""
    if name.endswith("bcrypt.gensalt"):
        rounds = pyast.keyword(node, "rounds")
        value = rounds.value if rounds is not None else (node.args[0] if node.args else None)
        ctx.examine(RULE)
        if isinstance(value, ast.Constant) and isinstance(value.value, int) and value.value < MIN_COST:
            yield RULE.hit(node, _cost_message(value.value))
        return
    if name.split(".")[-1] in {"CryptContext", "using"}:
        for keyword in node.keywords:
            if keyword.arg in {"bcrypt__rounds", "bcrypt__default_rounds", "rounds"} and isinstance(keyword.value, ast.Constant):
                ctx.examine(RULE)
                if isinstance(keyword.value.value, int) and keyword.value.value < MIN_COST:
                    yield RULE.hit(node, _cost_message(keyword.value.value))
        return
    if name.startswith("hashlib.") and name.split(".")[-1] in FAST_DIGESTS and node.args:
        argument = ast.unparse(node.args[0])
        if PASSWORD.search(argument) and not re.search(r"(?i)hash|token|reset|salt", argument):
            ctx.examine(RULE)
            if _stored_as_other(ctx, node.lineno):
                return
            yield RULE.hit(node, f"{name}() of a password: a fast digest is guessed at billions per second once the table leaks")


# ---------------------------------------------------------------- JavaScript / TypeScript


def _js_hash_call(name: str) -> bool:
    """callee=: the calls check_js reads (bcrypt cost arguments, createHash(...).update)."""
    last = name.split(".")[-1]
    return (name.split(".")[0] in {"bcrypt", "bcryptjs"} and last in {"hash", "hashSync", "genSalt", "genSaltSync"}) or (
        last == "update" and "createHash" in name
    )


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=_js_hash_call)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    name = js.callee(node)
    arguments = js.args(node)
    last = name.split(".")[-1]
    if name.split(".")[0] in {"bcrypt", "bcryptjs"} and last in {"hash", "hashSync", "genSalt", "genSaltSync"}:
        cost_arg = arguments[0] if last.startswith("genSalt") and arguments else (arguments[1] if len(arguments) > 1 else None)
        if cost_arg is not None and cost_arg.type == "number":
            ctx.examine(RULE)
            cost = int(float(text(cost_arg)))
            if cost < MIN_COST:
                yield RULE.hit(node, _cost_message(cost))
        return
    if last == "update" and "createHash" in name:
        match = re.search(r"createHash\(\s*['\"](\w+)['\"]", text(node))
        if match and match.group(1).lower() in FAST_DIGESTS and arguments and PASSWORD.search(text(arguments[0])):
            ctx.examine(RULE)
            yield RULE.hit(node, f"createHash('{match.group(1)}') of a password: a fast digest is guessed at billions per second once the table leaks")


# ---------------------------------------------------------------- Go


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda name: name == "bcrypt.GenerateFromPassword" or (name.rpartition(".")[0] in {"md5", "sha1", "sha256", "sha512"} and name.rpartition(".")[2] in {"Sum", "Sum256", "Sum512", "New"}), skip_file=in_test_path)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    name = go.callee(node)
    arguments = go.call_args(node)
    if name == "bcrypt.GenerateFromPassword" and len(arguments) == 2:
        cost_text = text(arguments[1])
        cost = 4 if cost_text == "bcrypt.MinCost" else int(cost_text) if cost_text.isdigit() else None
        ctx.examine(RULE)
        if cost is not None and cost < MIN_COST:
            yield RULE.hit(node, _cost_message(cost))
        return
    package, _, function = name.rpartition(".")
    if package in {"md5", "sha1", "sha256", "sha512"} and function in {"Sum", "Sum256", "Sum512", "New"} and arguments:
        argument = text(arguments[0])
        if PASSWORD.search(argument) and not re.search(r"(?i)hash|token|reset|salt", argument):
            ctx.examine(RULE)
            if _stored_as_other(ctx, node.start_point[0] + 1):
                return
            yield RULE.hit(node, f"{name}() of a password: a fast digest is guessed at billions per second once the table leaks")
