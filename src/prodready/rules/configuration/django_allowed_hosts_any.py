"""Django ALLOWED_HOSTS that accepts any Host header

## What it does
Flags `ALLOWED_HOSTS = ["*"]` in Django settings outside development and test settings files, and
`ALLOWED_HOSTS` read from the environment with `"*"` as the default.

## Why it matters in production
Django builds absolute URLs (`request.build_absolute_uri()`, password-reset and confirmation
links, redirects) from the Host header. With `"*"` any Host is accepted, so a request with a forged
Host makes the site mail a password-reset link that points to the attacker's domain, or poisons a
cache with links to it. `ALLOWED_HOSTS` is Django's defence against exactly that, and `"*"` turns
it off.

## Example
```python
ALLOWED_HOSTS = os.getenv("ALLOWED_HOSTS", "*").split(",")
```

## Use instead
```python
ALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",")  # e.g. "links.example.com"
```

## Known limitations
A proxy in front that rejects unknown Host values makes `"*"` harmless; suppress with that reason.

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts
- https://docs.djangoproject.com/en/stable/topics/security/#host-header-validation
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import env_read, is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-014",
    name="django-allowed-hosts-any",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="List the service's own host names in ALLOWED_HOSTS (from the environment, with no '*' default).",
    references=("https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts",),
)

DEV_SETTINGS = lazy_compile(r"(?i)(^|/)(dev|development|local|test|testing|ci)[\w-]*\.py$|(^|/)(dev|local)/|local_settings")


def _skip(ctx: PyContext) -> bool:
    return is_script_like(ctx) or "ALLOWED_HOSTS" not in ctx.text or bool(DEV_SETTINGS.search(ctx.path))


def _any_host(value: ast.expr, ctx: PyContext) -> bool:
    if isinstance(value, ast.List | ast.Tuple | ast.Set):
        return any(pyast.const_str(element) == "*" for element in value.elts)
    for call in ast.walk(value):
        if isinstance(call, ast.Call):
            read = env_read(call, ctx)
            if read is not None and read[1] is not None and (pyast.const_str(read[1]) or "").strip() == "*":
                return True
    return False


@RULE.on_python(ast.Assign, skip_file=_skip)
def check(node: ast.Assign, ctx: PyContext) -> Iterator[Hit]:
    if _skip(ctx) or pyast.enclosing_function(node) is not None:
        return
    if not any(isinstance(t, ast.Name) and t.id == "ALLOWED_HOSTS" for t in node.targets):
        return
    ctx.examine(RULE)
    if _any_host(node.value, ctx):
        yield RULE.hit(node, "ALLOWED_HOSTS accepts any Host header: forged Hosts reach build_absolute_uri(), so reset links "
                       "and redirects can point at another domain")
