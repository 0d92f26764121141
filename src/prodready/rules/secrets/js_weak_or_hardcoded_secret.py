"""JavaScript secret hard-coded or falling back to a weak default.

## What it does
Flags string literals in JS/TS that are known credential formats, secret-named variables and
properties assigned plausible secret values, signing secrets that fall back to a weak literal
(`process.env.JWT_SECRET || "secret"`, `const JWT_SECRET = "dev"`), and passwords that fall back
to any literal (`process.env.POSTGRES_PASSWORD || "password"`).

## Why it matters in production
A committed key is readable by everyone with the repository and cannot be rotated without a
release; a weak fallback means a deployment that forgets the variable signs tokens with a key
anyone can guess.

## Example
```ts
const jwtSecret = process.env.JWT_SECRET || "supersecret"
```

## Use instead
```ts
const jwtSecret = process.env.JWT_SECRET
if (!jwtSecret || jwtSecret.length < 32) throw new Error("JWT_SECRET must be set")
```

## Known limitations
Test files, fixtures and front-end placeholders are skipped.

## References
- https://cwe.mitre.org/data/definitions/798.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import names_absent
from prodready.rules._secretutil import (
    SECRET_NAME_WORDS,
    SIGNING_KEY_NAME_WORDS,
    is_secret_name,
    is_signing_key_name,
    is_weak_secret,
    known_format,
    looks_like_real_secret,
    may_hold_known_format,
    snake_case,
)
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-SE-101",
    name="js-weak-or-hardcoded-secret",
    category=Category.SECRETS,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Read secrets from the environment/secret store, fail start-up when missing; rotate leaked ones.",
    references=("https://cwe.mitre.org/data/definitions/798.html",),
)


WORDS = lazy_compile(r"[A-Za-z]+([._:/-][A-Za-z]+)*")  # 'label.change-password': an i18n or config key


def _bound_name(node: Any, parent: Any) -> str:
    """(``parent``: ``node.parent``, which the caller has: tree-sitter finds a parent by walking
    down from the root, so it is asked once per node)"""
    if parent is not None and parent.type == "binary_expression":
        parent = parent.parent
    if parent is None:
        return ""
    if parent.type == "variable_declarator":
        return text(field(parent, "name"))
    if parent.type == "pair":
        return string_value(field(parent, "key")) or text(field(parent, "key"))
    if parent.type in {"assignment_expression", "public_field_definition"}:
        return text(field(parent, "left") or field(parent, "name")).split(".")[-1]
    return ""


SIGNING_CALLS = lazy_compile(r"(^|\.)(sign|verify|session|cookieSession|cookieParser|createHmac|expressjwt|expressJwt|register)$")


# `process.env.POSTGRES_PASSWORD || "password"`: a credential with a literal default
PASSWORD_ENV = lazy_compile(r"(?i)(password|passwd|pwd)$|_PASS$|(API|ADMIN|ACCESS|AUTH|SERVICE|MASTER)_?KEY$|_TOKEN$")


def _env_fallback_name(node: Any, parent: Any) -> str:
    """X for the literal in `process.env.X || 'literal'` / `process.env["X"] ?? 'literal'`
    (``parent``: ``node.parent``)."""
    if parent is None or parent.type != "binary_expression" or text(field(parent, "operator")) not in {"||", "??"}:
        return ""
    left = field(parent, "left")
    if left is None or field(parent, "right") != node or left.type not in {"member_expression", "subscript_expression"}:
        return ""
    if text(field(left, "object")) != "process.env":
        return ""
    if left.type == "member_expression":
        return text(field(left, "property"))
    return string_value(field(left, "index")) or ""


def _signing_use(node: Any) -> str:
    """' in jwt.sign(...)' when the fallback is passed (directly or as `secret:`) to a signing call."""
    current = node.parent
    for _ in range(4):
        current = current.parent if current is not None else None
        if current is None:
            return ""
        if current.type == "call_expression":
            callee = js.callee(current)
            return f" in {callee}(...)" if SIGNING_CALLS.search(callee) else ""
    return ""


# Every name is_secret_name or is_signing_key_name accepts holds one of these, ignoring case
# (snake_case only lower-cases and adds underscores).
SECRET_WORDS = tuple(dict.fromkeys((*SECRET_NAME_WORDS, *SIGNING_KEY_NAME_WORDS)))


def _nothing_to_find(ctx: TreeContext) -> bool:
    """skip_file=: check returns at once in test code, and finds nothing in a file where no string
    can hold a known key format (a string's value is a piece of the file's text and the prefilter
    has no anchors), nothing reads process.env and no name can be a secret's."""
    return ctx.is_test_file or (
        "process.env" not in ctx.text
        and names_absent(ctx, *SECRET_WORDS)
        and not may_hold_known_format(ctx.text)
    )


@RULE.on_tree("string", "template_string", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_nothing_to_find)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    value = string_value(node)
    if value is None or len(value) < 3:
        return
    label = known_format(value)
    if label:
        ctx.examine(RULE)
        yield RULE.hit(node, f"{label} hard-coded in source")
        return
    if js.SCRIPT_PATH.search(ctx.path):
        return  # examples/docs/scripts: demo values; real key formats above are still reported
    parent = node.parent
    if parent is not None and parent.type == "pair" and field(parent, "key") == node:
        return  # the key of { "Access-Token": value }, not a value
    env_name = _env_fallback_name(node, parent)
    if env_name and is_signing_key_name(snake_case(env_name)):
        ctx.examine(RULE)
        use = _signing_use(node)
        yield RULE.hit(node, f"process.env.{env_name} falls back to the literal '{value[:3]}...'{use}: a missing variable silently uses a secret published in the source")
        return
    if env_name and PASSWORD_ENV.search(env_name):
        ctx.examine(RULE)
        what = "password" if re.search(r"(?i)pass|pwd", env_name) else "credential"
        yield RULE.hit(node, f"process.env.{env_name} falls back to a literal {what}: a deployment that forgets the "
                             f"variable runs with a {what} published in the source")
        return
    name = _bound_name(node, parent)
    if not name:
        return
    snake = snake_case(name)
    is_fallback = (
        parent is not None
        and parent.type == "binary_expression"
        and text(field(parent, "operator")) in {"||", "??"}
    )
    if is_signing_key_name(snake) or (
        is_fallback
        and "process.env" in text(parent)
        and is_signing_key_name(snake_case(text(parent).split("process.env.")[-1].split()[0]))
    ):
        ctx.examine(RULE)
        if is_weak_secret(value):
            yield RULE.hit(node, f"`{name}` {'falls back to' if is_fallback else 'is'} a weak literal secret")
        return
    if is_secret_name(snake) and not is_fallback:
        ctx.examine(RULE)
        if looks_like_real_secret(value) and len(value) >= 12 and not WORDS.fullmatch(value):
            yield RULE.hit(node, f"`{name}` is assigned a hard-coded secret value")
