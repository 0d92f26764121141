"""JWT verified without pinning the signing method.

## What it does
Flags `jwt.Parse` / `jwt.ParseWithClaims` and `request.ParseFromRequest` / `ParseFromRequestWithClaims`
(golang-jwt, dgrijalva/jwt-go) whose key function returns
the key without checking `token.Method` (e.g. `token.Method.(*jwt.SigningMethodHMAC)`), when the call
passes no `jwt.WithValidMethods(...)` option. In JavaScript, jsonwebtoken's `jwt.verify(token, key)`
with no `algorithms` option (and passport-jwt strategies without `algorithms`).

## Why it matters in production
The token's header chooses the algorithm. A key function that hands back the key for any `alg`
is the root of algorithm-confusion attacks (an RS256 public key used as an HS256 secret) and makes
the service accept whatever algorithm a future key rotation or library default allows.

## Example
```go
token, err := jwt.ParseWithClaims(raw, &Claims{}, func(t *jwt.Token) (interface{}, error) {
    return jwtSecret, nil
})
```

## Use instead
```go
token, err := jwt.ParseWithClaims(raw, &Claims{}, func(t *jwt.Token) (interface{}, error) {
    return jwtSecret, nil
}, jwt.WithValidMethods([]string{"HS256"}))
```

## Known limitations
A key function defined elsewhere is judged by whether the file checks `token.Method` anywhere.

## References
- https://pkg.go.dev/github.com/golang-jwt/jwt/v5#WithValidMethods
- https://auth0.com/blog/critical-vulnerabilities-in-json-web-token-libraries/
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-202",
    name="go-jwt-alg-not-pinned",
    category=Category.AUTHENTICATION,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Check `token.Method` in the key function or pass jwt.WithValidMethods([]string{\"HS256\"}).",
    references=("https://pkg.go.dev/github.com/golang-jwt/jwt/v5#WithValidMethods",),
)

# jwt-go / golang-jwt: jwt.Parse*, and request.ParseFromRequest* (token from the HTTP request)
PARSERS = {"jwt.Parse", "jwt.ParseWithClaims", "request.ParseFromRequest", "request.ParseFromRequestWithClaims"}
PINNED = lazy_compile(r"\.Method\b|SigningMethod|Alg\(\)|WithValidMethods|\.Header\[\"alg\"\]")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=PARSERS.__contains__, skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if name not in PARSERS or non_production(ctx.path, ctx.is_test_file):
        return
    if "jwt" not in ctx.imports.get(name.split(".")[0], "jwt"):
        return
    args = go.call_args(node)
    keyfunc = next((a for a in args if a.type == "func_literal"), None)
    ctx.examine(RULE)
    if PINNED.search(text(node)):
        return
    if keyfunc is None and PINNED.search(ctx.text):
        return  # named key function that checks the method somewhere in this file
    yield RULE.hit(node, f"{name}() accepts whatever `alg` the token names: the signing method is never checked")


# ---------------------------------------------------------------- JavaScript / TypeScript (jsonwebtoken)


@RULE.on_tree(
    "call_expression",
    languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
    callee=lambda c: c.endswith(".verify") or c == "verify",
)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = js.callee(node)
    local = name.split(".")[0]
    if not (name.endswith(".verify") or name == "verify"):
        return  # the handler's own test, not only the engine's callee filter
    if ctx.module_of(local) != "jsonwebtoken" or not js.is_server_file(ctx):
        return
    args = js.args(node)
    if len(args) < 2:
        return
    ctx.examine(RULE)
    options = args[2] if len(args) > 2 and args[2].type == "object" else None
    if options is not None and js.object_has_key(options, "algorithms"):
        return
    if options is None and len(args) > 2 and args[2].type == "identifier":
        return  # options built elsewhere: not judged
    yield RULE.hit(node, f"{name}() accepts whatever `alg` the token names: pass {{ algorithms: ['HS256'] }}")
