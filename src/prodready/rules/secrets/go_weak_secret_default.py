"""Go signing secret weak, empty or written in the source.

## What it does
Flags variables and struct fields named like signing secrets (`jwtSecret`, `JWTSecret`,
`SecretKey`, `sessionSecret`) assigned a string literal that is empty, shorter than 32 characters
or a well-known value (also as `[]byte("secret")`), env helpers such as
`getenv("JWT_SECRET", "secret")`, and session/JWT constructors keyed with a literal:
`sessions.NewCookieStore([]byte("..."))`, `cookie.NewStore([]byte("..."))`,
`token.SignedString([]byte("..."))`, `middleware.JWT([]byte("..."))`, or a jwt key function that
returns `[]byte("...")`. A package-level constant or variable holding a string literal that is
used as the key — passed to `SignedString` or a session store, returned by the key function of
`jwt.Parse` / `request.ParseFromRequest`, set as `SigningKey:` — is reported as a hard-coded signing
secret whatever its length (`const NBSecretPassword = "A String Very Very Very Strong!!@##$!@#$"`),
also when the constant lives in another package (`common.NBSecretPassword`).

## Why it matters in production
A deployment that forgets the variable silently signs tokens with a guessable key: anyone can mint
valid JWTs. Validate the secret at start-up and refuse to run without it.

## Example
```go
secret := os.Getenv("JWT_SECRET")
if secret == "" {
    secret = "secret"
}
```

## Use instead
```go
secret := os.Getenv("JWT_SECRET")
if len(secret) < 32 {
    log.Fatal("JWT_SECRET must be set to at least 32 random characters")
}
```

## Known limitations
Secrets read from files or vaults are not checked.

## References
- https://cwe.mitre.org/data/definitions/1391.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext, TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import descendants, field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules._memo import names_absent
from prodready.rules._secretutil import (
    SIGNING_KEY_NAME_WORDS,
    is_signing_key_name,
    is_weak_secret,
    snake_case,
)
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-SE-202",
    name="go-weak-secret-default",
    category=Category.SECRETS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Require the secret at start-up (fail when missing or shorter than 32 characters); no literal fallback.",
    references=("https://cwe.mitre.org/data/definitions/1391.html",),
)


KEY_SINKS = lazy_compile(
    r"^(sessions\.New(CookieStore|FilesystemStore)|cookie\.NewStore|securecookie\.New|[\w.]*\.SignedString|"
    r"middleware\.JWT|jwtauth\.New|csrf\.Protect)$"
)


def _literal(node: Any) -> str | None:
    """A string literal, also inside a `[]byte("...")` conversion."""
    if node is not None and node.type == "type_conversion_expression" and text(field(node, "type")) == "[]byte":
        return string_value(field(node, "operand"))
    return string_value(node) if node is not None else None


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: ("New" in c or "SignedString" in c or "JWT" in c or "Protect" in c) and KEY_SINKS.match(c), skip_file=in_test_code)
def check_key_sink(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if not KEY_SINKS.match(name) or non_production(ctx.path, ctx.is_test_file):
        return
    ctx.examine(RULE)
    for arg in go.call_args(node):
        value = _literal(arg)
        if value is not None and arg.type == "type_conversion_expression" and "/" not in value:
            yield RULE.hit(node, f"{name}() is keyed with a literal in the source: anyone with the code can forge sessions/tokens")
            return


KEYFUNC_TAKERS = lazy_compile(r"^(jwt\.Parse\w*|request\.ParseFromRequest\w*|[\w.]*\.ParseWithClaims)$")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda name: "Parse" in name and KEYFUNC_TAKERS.match(name) is not None, skip_file=in_test_code)
def check_keyfunc(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`jwt.Parse(raw, func(t *jwt.Token) (interface{}, error) { return []byte("k"), nil })`."""
    name = go.callee(node)
    if not KEYFUNC_TAKERS.match(name) or non_production(ctx.path, ctx.is_test_file):
        return
    for keyfunc in (a for a in go.call_args(node) if a.type == "func_literal"):
        ctx.examine(RULE)
        for ret in descendants(keyfunc, "return_statement"):
            values = ret.named_children[0].named_children if ret.named_children else []
            literal = values[0] if values else None
            while literal is not None and literal.type == "parenthesized_expression" and literal.named_children:
                literal = literal.named_children[0]
            if literal is not None and literal.type == "type_conversion_expression" and _literal(literal):
                yield RULE.hit(ret, f"the {name}() key function returns a key written in the source: anyone with the code can forge tokens")


def _no_key_names(ctx: TreeContext) -> bool:
    """skip_file=: test code, or no name that SIGNING_KEY_NAME can match once snake-cased (every
    match holds one of SIGNING_KEY_NAME_WORDS; snake_case only lower-cases and adds underscores, and
    the name is a piece of the file's text)."""
    return in_test_code(ctx) or names_absent(ctx, *SIGNING_KEY_NAME_WORDS)


@RULE.on_tree(
    "assignment_statement",
    "short_var_declaration",
    "keyed_element",
    "const_spec",
    "var_spec",
    languages=(Language.GO,),
    skip_file=_no_key_names,
)
def check_assign(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if non_production(ctx.path, ctx.is_test_file):
        return
    if node.type == "keyed_element":
        children = node.named_children
        left, right = (children[0], children[-1]) if len(children) >= 2 else (None, None)
    elif node.type in {"const_spec", "var_spec"}:
        left, right = field(node, "name"), field(node, "value")
    else:
        left, right = field(node, "left"), field(node, "right")
    if left is None or right is None:
        return
    if right.type == "expression_list" and right.named_children:
        right = right.named_children[0]
    value = _literal(right)
    if value is None:  # most values are not literals: no need to read the name
        return
    name = text(left).split(".")[-1].strip()
    if not is_signing_key_name(snake_case(name)):
        return
    if value == "" and node.type == "assignment_statement" and "." in text(left):
        return  # integration.WebhookSecret = "": clearing a stored secret, not a default
    ctx.examine(RULE)
    if is_weak_secret(value):
        yield RULE.hit(node, f"`{name}` falls back to a weak literal secret: tokens can be forged")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: "env" in c.lower(), skip_file=in_test_code)
def check_getenv(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if in_test_code(ctx):
        return  # test code is not the production service
    args = go.call_args(node)
    callee = go.callee(node).lower()
    if len(args) < 2 or "env" not in callee or re.search(r"(reset|unset|^set|\.set|clear)", callee):
        return
    key, default = string_value(args[0]), string_value(args[1])
    if key is None or default is None or not is_signing_key_name(key.lower()):
        return
    if len(args) > 2 or re.fullmatch(r"[A-Z][A-Z0-9_]+", default):
        return  # a list of variable names (resetEnv("SECRET", "ADMIN_PASSWD")), not a fallback value
    ctx.examine(RULE)
    if is_weak_secret(default):
        yield RULE.hit(node, f"`{key}` falls back to a weak literal default")


def _directory(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


@RULE.on_project
def check_constant_keys(ctx: ProjectContext) -> Iterator[Hit]:
    """`const NBSecretPassword = "..."` passed to SignedString or returned by a jwt key function:
    a key in the source, whatever its length."""
    consts = [c for c in ctx.model.facts.get("go_key_const", []) if not non_production(str(c["file"]), False)]
    if not consts:
        return
    reported: set[tuple[str, int]] = set()
    for use in ctx.model.facts.get("go_key_use", []):
        if non_production(str(use["file"]), False):
            continue
        reference = str(use.get("ref", ""))
        package, _, name = reference.rpartition(".")
        for const in consts:
            if const.get("name") != name:
                continue
            same_package = _directory(str(const["file"])) == _directory(str(use["file"])) if not package else (
                const.get("package") == package
            )
            key = (str(const["file"]), int(const.get("line") or 0))
            if not same_package or key in reported:
                continue
            reported.add(key)
            ctx.examine(RULE)
            if is_signing_key_name(snake_case(name)) and int(const.get("length") or 0) < 32:
                continue  # a weak literal under a key name: check_assign reports it already
            yield Hit(
                line=const.get("line"),
                path=str(const["file"]),
                message=f"`{name}` is a signing key written in the source (used by {use.get('sink')} in "
                f"{use['file']}): anyone with the code can forge tokens",
            )
