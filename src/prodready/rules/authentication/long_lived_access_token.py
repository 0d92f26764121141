"""Access token that stays valid for a day or more

## What it does
Flags the lifetime given to access tokens (JWTs and similar bearer tokens) when it is 24 hours or
longer: settings such as `ACCESS_TOKEN_EXPIRE_MINUTES = 60 * 24 * 8`, `JWT_ACCESS_TOKEN_EXPIRES =
timedelta(days=7)`, an `"exp"` claim of `now + timedelta(days=30)`, jsonwebtoken's
`expiresIn: '60d'` (or no lifetime at all: `jwt.sign(payload, secret)`), and Go claims such as `"exp": time.Now().Add(time.Hour * 72)` or a
`defaultJWTExpirationHours = 72` constant. Refresh, password-reset, e-mail verification and
invitation tokens are not access tokens and are left alone.

## Why it matters in production
A stateless JWT cannot be taken back: logging out, changing the password or disabling the account
does not end it. Whoever copies one (from a log, a browser extension, a shared laptop) keeps access
for the whole lifetime. Short-lived access tokens (minutes) with a refresh token that the server can
revoke bound that window.

## Example
```python
ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8  # 8 days
```

## Use instead
```python
ACCESS_TOKEN_EXPIRE_MINUTES: int = 15
REFRESH_TOKEN_EXPIRE_DAYS: int = 7  # stored server-side, revoked on logout and password change
```

## Known limitations
Lifetimes computed at run time or read from the environment without a literal default are not
judged. A service that keeps a server-side deny list (`jti` checked on every request) is still
flagged: check that the list is consulted before suppressing.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html#token-explicit-revocation-by-the-user
- https://datatracker.ietf.org/doc/html/rfc9700#name-refresh-token-protection
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_path
from prodready.rules._memo import once_per_file
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-004",
    name="long-lived-access-token",
    category=Category.AUTHENTICATION,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Issue access tokens for minutes (15–60) and pair them with a refresh token the server can revoke.",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html#token-explicit-revocation-by-the-user",
    ),
)

DAY_HOURS = 24
# Names of access-token lifetimes; the unit comes from the suffix.
LIFETIME_NAME = lazy_compile(
    r"(?i)^(jwt_?)?(access_?)?(token|jwt|auth)_?(expire|expires|expiry|expiration|lifetime|ttl|exp|max_?age)"
    r"(_?in)?(_?(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|delta))?$"
    r"|^jwt_?(access_?token_?)?(expires?|expiration|exp)(_?(delta|time))?(_?(?P<unit2>seconds?|minutes?|hours?|days?))?$"
    r"|^default_?jwt_?expiration_?(?P<unit3>hours?|minutes?|days?)$"
)
NOT_ACCESS = lazy_compile(r"(?i)refresh|reset|verif|confirm|invit|email|remember|magic|otp|csrf|api_?key")
UNIT_HOURS = {"s": 1 / 3600, "sec": 1 / 3600, "m": 1 / 60, "min": 1 / 60, "h": 1, "hr": 1, "d": 24, "w": 168, "y": 8760}
MS_STRING = lazy_compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|y|years?)?\s*$", re.I)


def _unit_hours(unit: str | None) -> float | None:
    if not unit:
        return None
    unit = unit.lower().rstrip("s") or "s"
    if unit == "delta":
        return None
    for prefix, hours in (("sec", 1 / 3600), ("min", 1 / 60), ("h", 1), ("day", 24), ("d", 24)):
        if unit.startswith(prefix):
            return hours
    return 1 / 3600 if unit == "" else None


def _describe(hours: float) -> str:
    if hours >= 48 and hours % 24 == 0:
        return f"{int(hours // 24)} days"
    return f"{hours:g} hours"


def _name_unit(name: str) -> tuple[bool, float | None]:
    match = LIFETIME_NAME.match(name)
    if not match or NOT_ACCESS.search(name):
        return False, None
    unit = match.group("unit") or match.group("unit2") or match.group("unit3")
    return True, _unit_hours(unit)


# ---------------------------------------------------------------- Python


def _py_number(node: ast.AST | None) -> float | None:
    """60 * 24 * 8 and friends: constant arithmetic only."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Add):
        left, right = _py_number(node.left), _py_number(node.right)
        if left is None or right is None:
            return None
        return left * right if isinstance(node.op, ast.Mult) else left + right
    return None


def _py_timedelta_hours(node: ast.AST | None, ctx: PyContext) -> float | None:
    if not isinstance(node, ast.Call) or not (ctx.call_name(node) or "").endswith("timedelta"):
        return None
    hours = 0.0
    scale = {"weeks": 168, "days": 24, "hours": 1, "minutes": 1 / 60, "seconds": 1 / 3600}
    if node.args:
        first = _py_number(node.args[0])
        if first is None:
            return None
        hours += first * 24
    for keyword in node.keywords:
        amount = _py_number(keyword.value)
        if amount is None or keyword.arg not in scale:
            return None
        hours += amount * scale[keyword.arg]
    return hours


@RULE.on_python(ast.Assign, ast.AnnAssign, skip_file=in_test_file)
def check_python_setting(node: ast.Assign | ast.AnnAssign, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names = [pyast.dotted(t) or "" for t in targets]
    name = next((n.split(".")[-1] for n in names if n), "")
    is_lifetime, unit = _name_unit(name)
    if not is_lifetime or node.value is None:
        return
    value: ast.expr | None = node.value
    if isinstance(value, ast.Call) and (ctx.call_name(value) or "").endswith(("getenv", "environ.get", "Field")):
        default = pyast.keyword(value, "default")
        value = default.value if default is not None else (value.args[1] if len(value.args) > 1 else None)
    if isinstance(value, ast.Call) and (ctx.call_name(value) or "").split(".")[-1] == "int" and value.args:
        inner = value.args[0]
        if isinstance(inner, ast.Call) and len(inner.args) > 1:
            value = inner.args[1]
    hours = _py_timedelta_hours(value, ctx)
    if hours is None and unit is not None:
        number = _py_number(value) if not isinstance(value, ast.Constant) or not isinstance(value.value, str) else (
            float(value.value) if value.value.isdigit() else None
        )
        hours = number * unit if number is not None else None
    ctx.examine(RULE)
    if hours is not None and hours >= DAY_HOURS:
        yield RULE.hit(node, f"`{name}` lets an access token live {_describe(hours)}: a stolen token cannot be revoked before then")


@RULE.on_python(ast.Dict, skip_file=in_test_file)
def check_python_claim(node: ast.Dict, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    for key, value in zip(node.keys, node.values, strict=False):
        if pyast.const_str(key) != "exp" or not isinstance(value, ast.BinOp) or not isinstance(value.op, ast.Add):
            continue
        hours = _py_timedelta_hours(value.right, ctx) or _py_timedelta_hours(value.left, ctx)
        function = pyast.enclosing_function(node)
        where = function.name if function is not None else ""
        if NOT_ACCESS.search(where):
            return
        ctx.examine(RULE)
        if hours is not None and hours >= DAY_HOURS:
            yield RULE.hit(value, f"the token's `exp` is {_describe(hours)} away: a stolen token cannot be revoked before then")


# ---------------------------------------------------------------- JavaScript / TypeScript


def _js_hours(node: Any) -> float | None:
    if node is None:
        return None
    if node.type == "binary_expression" and text(field(node, "operator")) in {"||", "??"}:
        return _js_hours(field(node, "right"))
    literal = string_value(node)
    if literal is not None:
        match = MS_STRING.match(literal)
        if not match:
            return None
        amount, unit = float(match.group(1)), (match.group(2) or "ms").lower()
        if unit == "ms" or not match.group(2):
            return amount / 3_600_000  # jsonwebtoken: a numeric string is milliseconds
        return amount * next(h for p, h in UNIT_HOURS.items() if unit.startswith(p) and (p != "m" or not unit.startswith("ms")))
    if node.type == "number":
        try:
            return float(text(node)) / 3600  # a number is seconds
        except ValueError:
            return None
    if node.type == "binary_expression" and text(field(node, "operator")) == "*":
        left, right = _js_number(field(node, "left")), _js_number(field(node, "right"))
        if left is not None and right is not None:
            return left * right / 3600
    return None


def _js_number(node: Any) -> float | None:
    if node is None:
        return None
    if node.type == "number":
        try:
            return float(text(node))
        except ValueError:
            return None
    if node.type == "binary_expression" and text(field(node, "operator")) == "*":
        left, right = _js_number(field(node, "left")), _js_number(field(node, "right"))
        return left * right if left is not None and right is not None else None
    if node.type == "parenthesized_expression" and node.named_children:
        return _js_number(node.named_children[0])
    return None


def _no_expires_in(ctx: TreeContext) -> bool:
    """skip_file=: test code, or no `expiresIn` key in the file (the key's text is a piece of it)."""
    return ctx.is_test_file or "expiresIn" not in ctx.text


@RULE.on_tree("pair", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_expires_in)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or text(field(node, "key")).strip("'\"") != "expiresIn":
        return
    context = node.parent.parent if node.parent is not None and node.parent.parent is not None else node
    owner = context.parent if context.type == "arguments" else context
    around = text(owner)[:300] if owner is not None else ""
    if NOT_ACCESS.search(around.split("expiresIn")[0][-200:] + text(field(node, "value"))):
        return
    hours = _js_hours(field(node, "value"))
    ctx.examine(RULE)
    if hours is not None and hours >= DAY_HOURS:
        yield RULE.hit(node, f"`expiresIn` lets an access token live {_describe(hours)}: a stolen token cannot be revoked before then")


@once_per_file
def _no_jwt_sign(ctx: TreeContext) -> bool:
    """skip_file=: test code, or no `.sign(` call in the file."""
    return ctx.is_test_file or ".sign(" not in ctx.text


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda c: c.endswith(".sign"),
              skip_file=_no_jwt_sign)
def check_js_no_lifetime(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`jwt.sign({ username }, secret)`: no expiresIn option and no exp claim, the token never expires."""
    if _no_jwt_sign(ctx) or js.callee(node) not in {"jwt.sign", "jsonwebtoken.sign"}:
        return
    if ctx.imports.get("jwt", "") not in {"jsonwebtoken", ""} and "jsonwebtoken" not in ctx.text:
        return
    arguments = js.args(node)
    if len(arguments) < 2 or arguments[0].type != "object":
        return  # a payload built elsewhere may carry its own exp
    payload = text(arguments[0])
    if NOT_ACCESS.search(payload) or re.search(r"\bexp\b", payload):
        return
    options = arguments[2] if len(arguments) > 2 else None
    ctx.examine(RULE)
    if options is not None and (options.type != "object" or "expiresIn" in text(options)):
        return
    yield RULE.hit(node, "jwt.sign() without expiresIn or an exp claim: the access token never expires")


# ---------------------------------------------------------------- Go

def _go_hours(expr: str) -> float | None:
    expr = expr.replace(" ", "")
    match = re.fullmatch(
        r"(?:(\d+)\*|time\.Duration\((\d+)\)\*)?time\.(Hour|Minute)((?:\*\d+)*)", expr
    )
    if not match:
        return None
    amount = float(match.group(1) or match.group(2) or 1)
    for factor in filter(None, match.group(4).split("*")):
        amount *= float(factor)
    return amount if match.group(3) == "Hour" else amount / 60


@RULE.on_tree("keyed_element", "const_spec", languages=(Language.GO,), skip_file=in_test_path)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    if node.type == "const_spec":
        name = text(field(node, "name"))
        is_lifetime, unit = _name_unit(re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name))
        value = field(node, "value")
        if not is_lifetime or unit is None or value is None:
            return
        number = text(value).strip()
        ctx.examine(RULE)
        if number.isdigit() and float(number) * unit >= DAY_HOURS:
            yield RULE.hit(node, f"`{name}` lets an access token live {_describe(float(number) * unit)}: a stolen token cannot be revoked before then")
        return
    children = node.named_children
    if len(children) != 2:
        return
    key = text(children[0]).strip('"')
    if key not in {"exp", "ExpiresAt"}:
        return
    claim = text(children[1])
    function = node
    while function is not None and function.type not in {"function_declaration", "method_declaration"}:
        function = function.parent
    if function is not None and NOT_ACCESS.search(text(field(function, "name"))):
        return
    added = re.search(r"\.Add\(((?:[^()]|\([^()]*\))*)\)", claim)
    if not added:
        return
    hours = _go_hours(added.group(1))
    ctx.examine(RULE)
    if hours is not None and hours >= DAY_HOURS:
        yield RULE.hit(node, f"the token's `{key}` is {_describe(hours)} away: a stolen token cannot be revoked before then")
