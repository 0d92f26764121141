"""Origin checked with a prefix, suffix or substring match

## What it does
Flags an `Origin` (or `Referer`) header compared with `startsWith`/`endsWith`/`includes`/`indexOf`
(JavaScript), `startswith`/`endswith`/`in` (Python) or `strings.HasPrefix`/`HasSuffix`/`Contains`
(Go) instead of an exact match against the allow-list.

## Why it matters in production
`origin.startsWith("https://app.example.com")` also accepts `https://app.example.com.evil.io`;
`origin.endsWith("example.com")` accepts `https://attacker-example.com`. Anyone can register such a
name, and their pages then pass the CORS or WebSocket origin check — with the user's cookies, a
cross-site WebSocket hijack or credentialed API reads follow.

## Example
```ts
const originAllowed = (origin: string) => allowed.some((a) => origin.startsWith(a));
```

## Use instead
```ts
const originAllowed = (origin: string) => allowed.includes(new URL(origin).origin);   // exact origin
```

## Known limitations
Only comparisons on a value whose name says origin or referer are read.

## References
- https://portswigger.net/web-security/cors#errors-parsing-origin-headers
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import python as pyast
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules._memo import once_per_file
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CO-005",
    name="origin-prefix-check",
    category=Category.CORS,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Compare the whole origin (scheme://host[:port]) for equality against the allow-list.",
    references=("https://portswigger.net/web-security/cors#errors-parsing-origin-headers",),
)

ORIGIN = lazy_compile(r"(?i)(^|[._\[\"'])(origin|referr?er)s?(\b|_|$)|Origin\b|Referer\b")
JS_PARTIAL = frozenset({"startsWith", "endsWith", "includes", "indexOf"})


def _message(how: str) -> str:
    return f"the origin is matched with {how}: look-alike hosts (app.example.com.evil.io) pass the check"


@once_per_file
def _no_origin(ctx: TreeContext) -> object:
    return ctx.is_test_file or "rigin" not in ctx.text


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              callee=lambda c: c.rsplit(".", 1)[-1] in JS_PARTIAL, skip_file=_no_origin)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _no_origin(ctx):
        return
    function = field(node, "function")
    if function is None or function.type != "member_expression":
        return
    method = text(field(function, "property"))
    receiver = text(field(function, "object"))
    if method not in JS_PARTIAL or not ORIGIN.search(receiver) or receiver.endswith(("s", "List", "list")):
        return  # `allowedOrigins.includes(origin)` is the exact membership test, not a partial match
    ctx.examine(RULE)
    yield RULE.hit(node, _message(f"{method}()"))


@RULE.on_python(ast.Call, calls=["startswith", "endswith"], skip_file=in_test_file)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not isinstance(node.func, ast.Attribute) or node.func.attr not in {"startswith", "endswith"}:
        return
    if not ORIGIN.search(pyast.dotted(node.func.value) or ast.unparse(node.func.value)):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, _message(f"{node.func.attr}()"))


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c in {"strings.HasPrefix", "strings.HasSuffix", "strings.Contains"},
              skip_file=in_test_code)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if name not in {"strings.HasPrefix", "strings.HasSuffix", "strings.Contains"} or in_test_code(ctx):
        return
    arguments = go.call_args(node)
    if not arguments or not ORIGIN.search(text(arguments[0])):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, _message(f"{name}()"))
