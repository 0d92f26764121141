"""Go token or session id from `math/rand`.

## What it does
Flags `math/rand` calls (`rand.Int`, `Int63`, `Intn`, `Read`, ...) inside functions or
assignments named like tokens, session ids, secrets, passwords, OTPs, nonces or keys.

## Why it matters in production
`math/rand` is predictable (and before Go 1.20 seeded with 1 by default): session ids and reset
tokens built from it can be guessed, and sessions hijacked.

## Example
```go
func newSessionID() string { return fmt.Sprintf("%d", rand.Int63()) }
```

## Use instead
```go
func newSessionID() string {
    b := make([]byte, 32)
    _, _ = crypto_rand.Read(b)
    return base64.RawURLEncoding.EncodeToString(b)
}
```

## Known limitations
Values passed through helpers before becoming tokens are not traced.

## References
- https://pkg.go.dev/crypto/rand
- https://cwe.mitre.org/data/definitions/338.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import ancestors, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-SE-003",
    name="insecure-random-token",
    aliases=("PR-SE-201", "go-insecure-random-token"),
    category=Category.SECRETS,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Use crypto/rand for anything an attacker must not guess.",
    references=("https://pkg.go.dev/crypto/rand",),
)

TOKENISH = lazy_compile(
    r"(?i)(token|session|sessid|secret|passw|otp|nonce|salt|apikey|api_key|csrf|reset|verif)"
)


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c.startswith("rand."), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if in_test_code(ctx):
        return  # test code is not the production service
    name = go.callee(node)
    if not name.startswith("rand.") or ctx.imports.get("rand") not in {"math/rand", "math/rand/v2"}:
        return
    ctx.examine(RULE)
    names = [go.function_name(go.enclosing_top_function(node))]
    for anc in ancestors(node):
        if anc.type in {"short_var_declaration", "assignment_statement", "var_spec", "keyed_element"}:
            left = field(anc, "left") or field(anc, "name") or field(anc, "key")
            names.append(text(left))
            break
        if anc.type in {"function_declaration", "method_declaration"}:
            break
    for candidate in names:
        if candidate and TOKENISH.search(candidate):
            yield RULE.hit(node, f"math/{name}() builds `{candidate}`: predictable, use crypto/rand")
            return
