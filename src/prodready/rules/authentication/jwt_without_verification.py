"""JWT decoded without verifying its signature.

## What it does
Flags `jwt.decode(..., options={"verify_signature": False})` (or `"verify_exp": False`, which keeps
expired tokens valid), `verify=False`, `algorithms` that
include `"none"`, and python-jose `jwt.get_unverified_claims`/`get_unverified_header` used to read
claims, in service code.

## Why it matters in production
An unverified token is just base64 the client wrote: anyone can set `"sub": "admin"` and be
admin. Allowing the `none` algorithm lets tokens without a signature through.

## Example
```python
claims = jwt.decode(token, options={"verify_signature": False})
```

## Use instead
```python
claims = jwt.decode(token, settings.SECRET_KEY, algorithms=["HS256"], audience="shop-api")
```

## Known limitations
Reading the unverified header only to pick a key (then verifying) is reported; suppress with that
reason.

## References
- https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode
- https://cwe.mitre.org/data/definitions/347.html
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-003",
    name="jwt-without-verification",
    category=Category.AUTHENTICATION,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Always verify: jwt.decode(token, key, algorithms=['HS256']) with a pinned algorithm list.",
    references=("https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode",),
)


@RULE.on_python(ast.Call, calls=["decode", "get_unverified_claims"], skip_file=in_test_file)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node) or ""
    if ctx.is_test_file:
        return
    if name.endswith(("get_unverified_claims",)) and name.startswith("jose"):
        ctx.examine(RULE)
        yield RULE.hit(node, f"{name}() reads claims without verifying the signature")
        return
    if name not in {"jwt.decode", "jose.jwt.decode", "jwt.api_jwt.decode"}:
        return
    ctx.examine(RULE)
    options = pyast.keyword(node, "options")
    if options is not None and isinstance(options.value, ast.Dict):
        for key, value in zip(options.value.keys, options.value.values, strict=False):
            if not (isinstance(value, ast.Constant) and value.value is False):
                continue
            if pyast.const_str(key) == "verify_signature":
                yield RULE.hit(node, "jwt.decode with verify_signature=False accepts forged tokens")
                return
            if pyast.const_str(key) == "verify_exp":
                yield RULE.hit(value, "jwt.decode with verify_exp=False: expired tokens stay valid forever")
                return
    verify = pyast.keyword(node, "verify")
    if verify is not None and isinstance(verify.value, ast.Constant) and verify.value.value is False:
        yield RULE.hit(node, "jwt.decode(verify=False) accepts forged tokens")
        return
    algorithms = pyast.keyword(node, "algorithms")
    if algorithms is not None and isinstance(algorithms.value, ast.List | ast.Tuple):
        if any((pyast.const_str(e) or "").lower() == "none" for e in algorithms.value.elts):
            yield RULE.hit(node, 'jwt.decode allows the "none" algorithm: unsigned tokens pass')
