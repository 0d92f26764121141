"""Empty, short or well-known signing secret.

## What it does
Flags signing keys (`SECRET_KEY`, `JWT_SECRET`, `SESSION_SECRET`, Flask `app.secret_key`, ...) that
are set or default to an empty string, a well-known value (`"secret"`, `"changeme"`, `"dev"`) or a
literal shorter than 32 characters — as a constant, a settings-class default, or the default of
`os.getenv`/`os.environ.get`.

## Why it matters in production
Whoever knows the signing key can forge session cookies, JWTs and password-reset links: every
account is open. An empty default means a deployment that forgets the variable runs with a key
anyone can guess, silently.

## Example
```python
class Settings(BaseSettings):
    SECRET_KEY: str = ""
JWT_SECRET = os.getenv("JWT_SECRET", "dev-secret")
```

## Use instead
```python
class Settings(BaseSettings):
    SECRET_KEY: str = Field(min_length=32)   # required: start-up fails without it
```

## Known limitations
Keys loaded from files or secret managers are not checked. Test files are skipped.

## References
- https://cwe.mitre.org/data/definitions/1391.html
- https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import env_read, in_test_file, local_env_helpers
from prodready.rules._secretutil import is_signing_key_name, is_weak_secret
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-SE-002",
    name="weak-signing-secret",
    category=Category.SECRETS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Require the key from the environment (no default) and validate length >= 32 at start-up.",
    references=("https://cwe.mitre.org/data/definitions/1391.html",),
)

GETTERS = {"os.getenv", "os.environ.get", "environ.get", "decouple.config"}


def _describe(value: str) -> str:
    if value.strip() == "":
        return "is empty"
    if len(value) < 32:
        return f"is a {len(value)}-character literal"
    return "is a well-known default"


@RULE.on_python(ast.Assign, ast.AnnAssign, skip_file=in_test_file)
def check_assign(node: ast.Assign | ast.AnnAssign, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    value = node.value
    if value is None:
        return
    if isinstance(value, ast.Call) and (ctx.qualified(value.func) or "").endswith("Field"):
        default = pyast.keyword(value, "default")
        value = default.value if default else (value.args[0] if value.args else None)
        if value is None:
            return
    fallback = False
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in local_env_helpers(ctx):
        # `SECRET_KEY = envsecret("SECRET_KEY", "---")`: a helper of this settings file around os.getenv
        read = env_read(value, ctx)
        if read is None or read[1] is None:
            return
        fallback, value = True, read[1]
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        # `os.environ.get("SECRET_KEY") or "you-will-never-guess"`: the literal is what runs when the
        # variable is missing, whatever its length
        fallback, value = True, value.values[-1]
    literal = pyast.const_str(value)
    if literal is None:
        return
    for target in targets:
        name = pyast.dotted(target) or (
            pyast.const_str(target.slice) if isinstance(target, ast.Subscript) else None
        )
        if name and is_signing_key_name(name):
            ctx.examine(RULE)
            if fallback and literal:
                yield RULE.hit(
                    node,
                    f"`{name.split('.')[-1]}` falls back to a literal committed with the code when the variable "
                    "is unset: tokens and sessions can be forged by anyone who has read the source",
                )
            elif is_weak_secret(literal):
                yield RULE.hit(
                    node, f"`{name.split('.')[-1]}` {_describe(literal)}: tokens and sessions can be forged"
                )
            return


@RULE.on_python(ast.Call, calls=["config", "get", "getenv"], skip_file=in_test_file)
def check_getenv(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or ctx.call_name(node) not in GETTERS or not node.args:
        return
    key = pyast.const_str(node.args[0])
    if not key or not is_signing_key_name(key):
        return
    default = node.args[1] if len(node.args) > 1 else None
    kw = pyast.keyword(node, "default")
    if kw is not None:
        default = kw.value
    literal = pyast.const_str(default)
    ctx.examine(RULE)
    if literal and not is_weak_secret(literal):
        yield RULE.hit(node, f"`{key}` falls back to a literal committed with the code: anyone who has read the source can forge tokens")
    elif literal is not None and is_weak_secret(literal):
        yield RULE.hit(
            node, f"`{key}` falls back to a default that {_describe(literal)[3:] if literal else 'is empty'}"
        )
