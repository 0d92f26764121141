"""Token or session id from a non-cryptographic RNG.

## What it does
Flags `random.*` (`choice`, `choices`, `randint`, `random`, `getrandbits`, `sample`, `randrange`)
and `uuid.uuid1()` used to build values named like tokens, session ids, passwords, OTPs, nonces,
salts or keys (by the function name or the variable assigned).

## Why it matters in production
`random` is a Mersenne Twister: after observing some outputs an attacker can predict the next ones
and hijack sessions or reset passwords. `uuid1` leaks the host MAC and time and is guessable.

## Example
```python
def new_session_id():
    return str(random.randint(0, 10**12))
```

## Use instead
```python
def new_session_id():
    return secrets.token_urlsafe(32)
```

## Known limitations
Random values passed through helpers before reaching a token are not traced.

## References
- https://docs.python.org/3/library/secrets.html
- https://cwe.mitre.org/data/definitions/338.html
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-SE-003",
    name="insecure-random-token",
    category=Category.SECRETS,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Use the secrets module (secrets.token_urlsafe(32), secrets.token_hex) for anything an attacker must not guess.",
    references=("https://docs.python.org/3/library/secrets.html",),
)

WEAK = {
    f"random.{f}" for f in ("choice", "choices", "randint", "random", "getrandbits", "sample", "randrange")
} | {"uuid.uuid1"}
TOKENISH = lazy_compile(
    r"(?i)(token|session_?id|sessionid|^sid$|secret|passw|otp|nonce|salt|api_?key|reset_?code|"
    r"verification|verify_?code|csrf|invite_?code|auth_?code|magic_?link)"
)


def _context_names(node: ast.AST) -> list[str]:
    names: list[str] = []
    for anc in pyast.ancestors(node):
        if isinstance(anc, ast.Assign):
            names.extend(pyast.dotted(t) or "" for t in anc.targets)
        elif isinstance(anc, ast.AnnAssign | ast.AugAssign):
            names.append(pyast.dotted(anc.target) or "")
        elif isinstance(anc, ast.keyword) and anc.arg:
            names.append(anc.arg)
        elif isinstance(anc, ast.FunctionDef | ast.AsyncFunctionDef):
            names.append(anc.name)
            break
    return names


@RULE.on_python(
    ast.Call, calls=["choice", "choices", "getrandbits", "randint", "random", "randrange", "sample", "uuid1"], skip_file=in_test_file
)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node)
    if name not in WEAK or ctx.is_test_file:
        return
    ctx.examine(RULE)
    for context_name in _context_names(node):
        if TOKENISH.search(context_name.split(".")[-1]):
            yield RULE.hit(
                node,
                f"{name}() builds `{context_name.split('.')[-1]}`: predictable, use secrets.token_urlsafe()",
            )
            return
