"""Required settings default to empty and nothing validates them.

## What it does
Flags a pydantic `BaseSettings` class in which credentials the service needs (API keys, passwords,
tokens, DSNs) default to an empty string or `None`, and the class declares no validator
(`field_validator`, `model_validator`, `validator`, `root_validator`) and no constraints on them.

## Why it matters in production
The service starts "fine" without its credentials and fails later, on the first request that needs
them — often as a confusing 500 or a silent fallback. Validating at start-up turns a bad deploy into
an immediate, obvious failure that the rollout stops on.

## Example
```python
class Settings(BaseSettings):
    OPENAI_API_KEY: str = ""
```

## Use instead
```python
class Settings(BaseSettings):
    OPENAI_API_KEY: SecretStr          # required: no default, start-up fails without it
```

## Known limitations
Validation done elsewhere (a `validate_settings()` called at start-up) is not seen.
Signing keys are reported by PR-SE-002 instead.

## References
- https://docs.pydantic.dev/latest/concepts/pydantic_settings/
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules._secretutil import is_secret_name, is_signing_key_name
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-003",
    name="settings-without-validation",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Make required credentials fields without defaults (or Field(min_length=...)) so start-up fails fast.",
    references=("https://docs.pydantic.dev/latest/concepts/pydantic_settings/",),
)

VALIDATORS = {"field_validator", "model_validator", "validator", "root_validator"}


@RULE.on_python(ast.ClassDef, skip_file=in_test_file)
def check(node: ast.ClassDef, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    bases = {(ctx.qualified(b) or "").split(".")[-1] for b in node.bases}
    if "BaseSettings" not in bases:
        return
    ctx.examine(RULE)
    for stmt in node.body:
        if isinstance(stmt, ast.FunctionDef) and any(
            (pyast.dotted(d.func if isinstance(d, ast.Call) else d) or "").split(".")[-1] in VALIDATORS
            for d in stmt.decorator_list
        ):
            return
    empty: list[ast.AnnAssign] = []
    for stmt in node.body:
        if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
            continue
        name = stmt.target.id
        if not (
            is_secret_name(name) or name.upper().endswith(("_DSN", "DATABASE_URL"))
        ) or is_signing_key_name(name):
            continue
        value = stmt.value
        if isinstance(value, ast.Constant) and value.value in ("", None):
            empty.append(stmt)
    if empty:
        names = ", ".join(s.target.id for s in empty if isinstance(s.target, ast.Name))
        yield RULE.hit(
            empty[0], f"{node.name}: {names} default to empty and nothing validates them at start-up"
        )
