"""Password accepted with no length rule (Python)

## What it does
Flags the password field of a sign-up, registration or password-change input — a pydantic model,
a marshmallow schema, a WTForms form or a DRF serializer — that sets no minimum length: no
`Field(min_length=...)`/`constr(min_length=...)`, no `validate=Length(...)`, no `Length(min=...)`
validator, no `min_length=` on the serializer field and no validator of the password in the class
(`@field_validator("password")`, `validate_password`). A minimum below 8 is flagged too. Login
forms are not flagged: they must accept whatever password exists. ORM tables (`table=True`) and
settings classes (an SMTP or database password read from the environment) are skipped.

## Why it matters in production
Without a rule, one-character and empty passwords are accepted, and they fall to the first guesses
of any credential-stuffing run. Without a maximum, a megabyte password costs a full hash of a
megabyte per attempt (and bcrypt silently ignores everything after 72 bytes).

## Example
```python
class RegistrationForm(FlaskForm):
    password = PasswordField("Password", validators=[DataRequired()])
```

## Use instead
```python
class RegistrationForm(FlaskForm):
    password = PasswordField("Password", validators=[DataRequired(), Length(min=12, max=128)])
```

## Known limitations
A length checked in the view or the service rather than in the input class is not seen; Django's
`AUTH_PASSWORD_VALIDATORS` are not read (Django forms are not judged).

## References
- https://pages.nist.gov/800-63-3/sp800-63b.html#memsecret
- https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#implement-proper-password-strength-controls
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang.python import dotted
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-109",
    name="weak-password-rule",
    category=Category.INPUT_VALIDATION,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Require at least 8 characters (NIST 800-63B), better 12+, with a maximum (128), in the input schema.",
    references=("https://pages.nist.gov/800-63-3/sp800-63b.html#memsecret",),
)

PASSWORD_FIELD = lazy_compile(r"(?i)^(password|new_password|password1|plain_password|raw_password)$")
INPUT_BASES = lazy_compile(r"(^|\.)(BaseModel|SQLModel|Schema|FlaskForm|Form|Serializer|ModelSerializer)$")
LOGIN_CLASS = lazy_compile(r"(?i)(login|signin|sign_in|credential|token|auth(?!or)|session|verify|check)")
# Settings of the service (an SMTP or database password), not a password a user chooses.
SETTINGS_CLASS = lazy_compile(r"(?i)(settings|config|conf$|options|connection|smtp|mail|database|db|redis|broker)")
MIN_KEYWORDS = {"min_length", "min", "minLength"}


def _bases(node: ast.ClassDef) -> list[str]:
    return [dotted(b) or "" for b in node.bases]


@RULE.on_python(ast.ClassDef, skip_file=in_test_file)
def check(node: ast.ClassDef, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or "password" not in ctx.text:
        return
    bases = _bases(node)
    if not any(INPUT_BASES.search(b) for b in bases) or LOGIN_CLASS.search(node.name) or SETTINGS_CLASS.search(node.name):
        return
    if any(k.arg == "table" for k in node.keywords):
        return  # an ORM table, not an input
    if "django" in ctx.text and "rest_framework" not in ctx.text:
        return  # Django forms: AUTH_PASSWORD_VALIDATORS decide
    source = ast.get_source_segment(ctx.text, node) or ""
    for statement in node.body:
        target, value, annotation = _field(statement)
        if target is None or not PASSWORD_FIELD.match(target):
            continue
        if value is not None and re.search(r"getenv|environ|config\(", ast.get_source_segment(ctx.text, value) or ""):
            continue  # read from the environment: a credential of the service
        ctx.examine(RULE)
        if _validated_elsewhere(source, target):
            continue
        minimum = _minimum(value, annotation)
        if minimum is None:
            yield RULE.hit(statement, f"`{target}` in {node.name} has no minimum length: empty and one-character "
                                      "passwords are accepted")
        elif minimum < 8:
            yield RULE.hit(statement, f"`{target}` in {node.name} accepts passwords of {minimum} characters (NIST asks 8+)")


def _field(statement: ast.stmt) -> tuple[str | None, ast.expr | None, ast.expr | None]:
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return statement.target.id, statement.value, statement.annotation
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
        return statement.targets[0].id, statement.value, None
    return None, None, None


def _validated_elsewhere(source: str, name: str) -> bool:
    """A validator of the field in the class: `@field_validator("password")`, `validate_password`."""
    return bool(
        re.search(rf"""validator\([^)]*['"]{name}['"]""", source)
        or re.search(rf"\bdef\s+validate_{name}\b", source)
        or re.search(r"@(model_validator|root_validator|validates_schema)\b", source)
    )


def _minimum(value: ast.expr | None, annotation: ast.expr | None) -> int | None:
    """The minimum length the field declares, 8 when it has a rule whose minimum is not a literal, else None."""
    for node in (value, annotation):
        if node is None:
            continue
        for sub in ast.walk(node):
            if not isinstance(sub, ast.Call):
                continue
            name = (dotted(sub.func) or "").rsplit(".", 1)[-1]
            for keyword in sub.keywords:
                if keyword.arg in MIN_KEYWORDS:
                    literal = keyword.value
                    return literal.value if isinstance(literal, ast.Constant) and isinstance(literal.value, int) else 8
                if keyword.arg in {"validate", "pattern", "regex"}:
                    return 8  # marshmallow validate=Length(...), a pattern, a custom validator
            if name in {"MinLengthValidator", "StringConstraints", "constr", "Regexp", "regex"}:
                return 8
            if name == "Length":
                minimum = next((k.value for k in sub.keywords if k.arg == "min"), sub.args[0] if sub.args else None)
                if isinstance(minimum, ast.Constant) and isinstance(minimum.value, int):
                    return minimum.value
                return None if minimum is None else 8
    return None
