"""Signing key generated at start-up, different in every process

## What it does
Flags signing keys (`SECRET_KEY`, `JWT_SECRET`, Flask `app.secret_key`, an express-session
`secret`) whose value, or whose default when the environment does not set it, is generated at
import time: `secrets.token_urlsafe(32)`, `os.urandom(24)`, `uuid.uuid4()`,
`crypto.randomBytes(32)`.

## Why it matters in production
Each worker process and each restart draws a different key. With several gunicorn/uvicorn workers
or replicas, a session or token signed by one process is rejected by the next one behind the load
balancer — users are logged out at random — and every deploy logs everyone out. Operators who
forget to set the variable get no error, only a service that misbehaves under load.

## Example
```python
class Settings(BaseSettings):
    SECRET_KEY: str = secrets.token_urlsafe(32)
```

## Use instead
```python
class Settings(BaseSettings):
    SECRET_KEY: str = Field(min_length=32)  # required: start-up fails without it
```

## Known limitations
Keys generated once and written to disk or a secret store are not distinguished from per-process
ones when the write happens in another module.

## References
- https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY
- https://docs.gunicorn.org/en/stable/design.html#how-many-workers
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import python as pyast
from prodready.lang.treesitter import field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import names_absent
from prodready.rules._pyutil import in_test_file
from prodready.rules._secretutil import SIGNING_KEY_NAME_WORDS, is_signing_key_name
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-SE-004",
    name="signing-key-per-process",
    category=Category.SECRETS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Require the key from the environment or a secret store (fail at start-up when it is missing); never generate it per process.",
    references=("https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY",),
)

RANDOM_CALLS = {
    "secrets.token_urlsafe", "secrets.token_hex", "secrets.token_bytes", "os.urandom", "uuid.uuid4",
    "uuid4", "token_urlsafe", "token_hex", "Fernet.generate_key", "get_random_bytes",
}
MESSAGE = "`{name}` is generated when the process starts: every worker and every restart signs with a different key, so sessions and tokens fail across workers and deploys"


def _random_value(node: ast.AST | None, ctx: PyContext) -> bool:
    if isinstance(node, ast.BoolOp):
        return any(_random_value(v, ctx) for v in node.values[1:])
    if isinstance(node, ast.Call):
        name = ctx.call_name(node) or ""
        if name in RANDOM_CALLS or name.endswith(tuple("." + c for c in ("token_urlsafe", "token_hex", "urandom", "uuid4"))):
            return True
        if name.endswith(("getenv", "environ.get")) and len(node.args) > 1:
            return _random_value(node.args[1], ctx)
        if name.endswith(("str", "hex")) and node.args:
            return _random_value(node.args[0], ctx)
        if isinstance(node.func, ast.Attribute) and node.func.attr in {"hex", "decode"}:
            return _random_value(node.func.value, ctx)
        if name.endswith("Field"):
            factory = pyast.keyword(node, "default_factory")
            default = pyast.keyword(node, "default")
            if factory is not None and isinstance(factory.value, ast.Lambda):
                return _random_value(factory.value.body, ctx)
            if factory is not None:
                return (pyast.dotted(factory.value) or "") in RANDOM_CALLS
            return default is not None and _random_value(default.value, ctx)
    return False


@RULE.on_python(ast.Assign, ast.AnnAssign, skip_file=in_test_file)
def check_python(node: ast.Assign | ast.AnnAssign, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or node.value is None or pyast.enclosing_function(node) is not None:
        return
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        name = pyast.dotted(target) or (pyast.const_str(target.slice) if isinstance(target, ast.Subscript) else None)
        if name and is_signing_key_name(name):
            ctx.examine(RULE)
            if _random_value(node.value, ctx):
                yield RULE.hit(node, MESSAGE.format(name=name.split(".")[-1]))
            return


def _no_js_key_names(ctx: TreeContext) -> bool:
    """skip_file=: test code, or no key that SIGNING_KEY_NAME can match (every match holds one of
    SIGNING_KEY_NAME_WORDS, ignoring case, and the key's text is a piece of the file's)."""
    return ctx.is_test_file or names_absent(ctx, *SIGNING_KEY_NAME_WORDS)


@RULE.on_tree("pair", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_js_key_names)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    key = text(field(node, "key")).strip("'\"")
    if ctx.is_test_file or not is_signing_key_name(key):
        return
    value = text(field(node, "value"))
    ctx.examine(RULE)
    if re.search(r"(crypto\.)?randomBytes\(|crypto\.randomUUID\(|uuid(v4)?\(\)|\bv4\(\)", value):
        yield RULE.hit(node, MESSAGE.format(name=key))
