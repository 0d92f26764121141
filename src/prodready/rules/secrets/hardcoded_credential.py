"""Hard-coded credential in source code.

## What it does
Flags string literals in Python code that are known credential formats (AWS keys, GitHub/Slack/
Stripe/OpenAI tokens, private keys, JWTs) anywhere, and plausible secret values (long, varied, not a
placeholder) assigned to secret-like names (`password`, `api_key`, `token`, `client_secret`, ...),
including keyword arguments, dict entries and passwords inside connection URLs; and a password or
API key setting that falls back to a literal when its environment variable is unset
(`os.getenv("DB_PASSWORD", "postgres")`, `config("ADMIN_PASSWORD", default="...")`, a
`BaseSettings` field `POSTGRES_PASSWORD: str = "postgres"`), however short. Also flags an
administrator account created with a literal password, however weak (`create_superuser(...,
"admin")`, `UserCreate(password="password", is_superuser=True)`): default admin credentials.

## Why it matters in production
A credential in the repository is readable by everyone with access to the code, its forks, CI logs
and backups, and cannot be rotated without a deploy. Leaked keys are found and abused within hours.

## Example
```python
STRIPE_KEY = "sk_live_51H..."
engine = create_engine("postgresql://app:S3cr3tPass@db/app")
```

## Use instead
```python
STRIPE_KEY = os.environ["STRIPE_KEY"]          # injected from a secret store at deploy time
engine = create_engine(settings.DATABASE_URL)
```

## Known limitations
Secrets split across concatenations, or encoded, are not found. Test files are skipped.
The value is never printed: evidence is redacted.

## References
- https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/
- https://cwe.mitre.org/data/definitions/798.html
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules._secretutil import (
    PLACEHOLDER,
    is_secret_name,
    is_signing_key_name,
    is_weak_secret,
    known_format,
    looks_like_real_secret,
)
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-SE-001",
    name="hardcoded-credential",
    category=Category.SECRETS,
    severity=Severity.CRITICAL,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Read the credential from the environment or a secret manager; rotate the leaked one.",
    references=("https://cwe.mitre.org/data/definitions/798.html",),
)

URL_PASSWORD = lazy_compile(r"^[a-z][a-z0-9+.-]*://[^:/@\s]+:([^@/\s]+)@", re.I)


def _name_for(node: ast.Constant) -> str | None:
    """The name a literal is bound to: assignment target, keyword, dict key, default of a getter."""
    parent = pyast.parent(node)
    if isinstance(parent, ast.Assign) and parent.value is node:
        return pyast.dotted(parent.targets[0]) or _subscript_key(parent.targets[0])
    if isinstance(parent, ast.AnnAssign) and parent.value is node:
        return pyast.dotted(parent.target)
    if isinstance(parent, ast.keyword):
        return parent.arg
    if isinstance(parent, ast.Dict):
        # Built once per dict literal: a scan per value would be quadratic on large tables.
        names: dict[int, str | None] | None = getattr(parent, "_pr_value_keys", None)
        if names is None:
            names = {id(value): pyast.const_str(key) for key, value in zip(parent.keys, parent.values, strict=False)}
            parent._pr_value_keys = names  # type: ignore[attr-defined]
        return names.get(id(node))
    return None


def _subscript_key(target: ast.AST) -> str | None:
    if isinstance(target, ast.Subscript):
        return pyast.const_str(target.slice)
    return None


@RULE.on_python(ast.Constant, skip_file=in_test_file)
def check(node: ast.Constant, ctx: PyContext) -> Iterator[Hit]:
    value = node.value
    if not isinstance(value, str) or len(value) < 8 or ctx.is_test_file:
        return
    label = known_format(value)
    if label:
        ctx.examine(RULE)
        yield RULE.hit(node, f"{label} hard-coded in source", anchor=pyast.anchor_of(node))
        return
    url = URL_PASSWORD.match(value)
    if url and not PLACEHOLDER.match(url.group(1)) and not url.group(1).startswith("$"):
        ctx.examine(RULE)
        if looks_like_real_secret(url.group(1)):
            yield RULE.hit(node, "password embedded in a connection URL", anchor=pyast.anchor_of(node))
        return
    name = _name_for(node)
    if name is None or not is_secret_name(name):
        return
    if is_signing_key_name(name) and is_weak_secret(value):
        return  # PR-SE-002 reports weak signing keys
    ctx.examine(RULE)
    if looks_like_real_secret(value) and re.fullmatch(r"[\w\-+/=.~!@#$%^&*]{12,}", value):
        yield RULE.hit(node, f"`{name}` is assigned a hard-coded secret value", anchor=pyast.anchor_of(node))


# A credential a deployment must supply; signing keys are PR-SE-002's.
CREDENTIAL_SETTING = lazy_compile(r"(?i)(^|_)(password|passwd|pass|pwd|api_?key|access_?key|secret_?access_?key|auth_?token|access_?token)$")
ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "environ.get", "decouple.config", "config", "env", "env.str"})


def _credential_setting(key: str | None) -> bool:
    return bool(key) and bool(CREDENTIAL_SETTING.search(key or "")) and not is_signing_key_name(key or "")


def _committed_default(value: ast.AST | None) -> str | None:
    literal = pyast.const_str(value)
    if literal is None or PLACEHOLDER.match(literal) or literal.startswith(("$", "/")):
        return None
    return literal


FALLBACK_MESSAGE = (
    "`{key}` falls back to a literal committed with the code when the variable is unset: a deployment that "
    "forgets it runs with a password everyone who read the source knows"
)


@RULE.on_python(ast.Call, calls=["getenv", "get", "config", "env", "str"])
def check_env_default(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not node.args or (ctx.call_name(node) or "") not in ENV_GETTERS:
        return
    key = pyast.const_str(node.args[0])
    if not _credential_setting(key):
        return
    keyword = pyast.keyword(node, "default")
    default = keyword.value if keyword is not None else (node.args[1] if len(node.args) > 1 else None)
    ctx.examine(RULE)
    if _committed_default(default) is not None:
        yield RULE.hit(node, FALLBACK_MESSAGE.format(key=key), anchor=str(key))


@RULE.on_python(ast.ClassDef)
def check_settings_default(node: ast.ClassDef, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not any((pyast.dotted(base) or "").endswith("BaseSettings") for base in node.bases):
        return
    for statement in node.body:
        if not isinstance(statement, ast.AnnAssign) or not isinstance(statement.target, ast.Name):
            continue
        key = statement.target.id
        if _credential_setting(key) and _committed_default(statement.value) is not None:
            ctx.examine(RULE)
            yield RULE.hit(statement, FALLBACK_MESSAGE.format(key=key), anchor=key)


ADMIN_FLAGS = frozenset({"is_superuser", "is_admin", "is_staff", "superuser", "admin"})


@RULE.on_python(ast.Call, skip_file=in_test_file)
def check_admin_seed(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not node.keywords and not node.args:
        return
    callee = (pyast.dotted(node.func) or "").rsplit(".", 1)[-1]
    password: ast.expr | None = None
    keyword = pyast.keyword(node, "password")
    if keyword is not None:
        password = keyword.value
    if callee == "create_superuser":
        if password is None and len(node.args) >= 3:
            password = node.args[2]
    elif not any(
        k.arg in ADMIN_FLAGS and isinstance(k.value, ast.Constant) and k.value.value is True for k in node.keywords
    ):
        return
    value = pyast.const_str(password)
    if not value or PLACEHOLDER.match(value) or value.startswith(("$", "{{")):
        return
    ctx.examine(RULE)
    yield RULE.hit(
        password if password is not None else node,
        f"administrator account created with the hard-coded password in {callee or 'this call'}(): "
        "every deployment ships the same admin credentials",
        anchor=pyast.anchor_of(node),
    )
