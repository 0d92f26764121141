"""Boolean setting given the raw text of an environment variable

## What it does
Flags a Django or Flask setting that the framework reads as a boolean (`EMAIL_USE_TLS`,
`EMAIL_USE_SSL`, `SESSION_COOKIE_SECURE`, `MAIL_USE_SSL`, ...) assigned straight from
`os.environ.get(...)` / `os.getenv(...)`, with no conversion to a bool.

## Why it matters in production
An environment variable is a string, and every non-empty string is true: `EMAIL_USE_SSL=False`
or `SESSION_COOKIE_SECURE=0` switch the option on. Operators who turn an option off in the
deployment see it stay on (Django refuses to start with both EMAIL_USE_SSL and EMAIL_USE_TLS
"set", mail stops), and the fix is invisible in the config they read.

## Example
```python
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS")
```

## Use instead
```python
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "false").lower() in {"1", "true", "yes"}
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "false").lower() in {"1", "true", "yes"}
```

## Known limitations
Only the framework settings listed in the rule are read; a project's own boolean settings are
not known to be booleans. `DEBUG` is PR-CF-001's.

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#email-use-tls
- https://flask.palletsprojects.com/en/stable/config/
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import ENV_GETTERS, in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-012",
    name="boolean-setting-from-raw-env",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Convert the variable to a bool (value.lower() in {'1', 'true', 'yes'}, or env.bool() of django-environ).",
    references=("https://docs.djangoproject.com/en/stable/ref/settings/#email-use-tls",),
)

# settings Django, Flask and their common extensions test for truth
BOOLEAN_SETTINGS = frozenset({
    "EMAIL_USE_TLS", "EMAIL_USE_SSL", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "USE_X_FORWARDED_HOST", "USE_X_FORWARDED_PORT", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "CORS_ALLOW_ALL_ORIGINS",
    "CORS_ORIGIN_ALLOW_ALL", "CORS_ALLOW_CREDENTIALS", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_SUPPRESS_SEND",
    "REMEMBER_COOKIE_SECURE", "REMEMBER_COOKIE_HTTPONLY", "SQLALCHEMY_ECHO", "SQLALCHEMY_TRACK_MODIFICATIONS",
    "WTF_CSRF_ENABLED", "TESTING", "PROPAGATE_EXCEPTIONS", "ACCOUNT_EMAIL_REQUIRED",
})


@RULE.on_python(ast.Assign, skip_file=lambda ctx: in_test_file(ctx) or "environ" not in ctx.text and "getenv" not in ctx.text)
def check(node: ast.Assign, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or pyast.enclosing_function(node) is not None:
        return
    names = [target.id for target in node.targets if isinstance(target, ast.Name) and target.id in BOOLEAN_SETTINGS]
    if not names or not isinstance(node.value, ast.Call) or ctx.call_name(node.value) not in ENV_GETTERS:
        return
    ctx.examine(RULE)
    variable = pyast.const_str(node.value.args[0]) if node.value.args else None
    yield RULE.hit(
        node,
        f"`{names[0]}` takes the raw text of ${variable or 'the variable'}: any non-empty value, \"False\" and \"0\" "
        "included, turns it on",
    )
