"""Shared secret compared with `==` instead of a constant-time comparison

## What it does
Flags a caller-supplied value compared with `==`/`!=` (`===`/`!==`) against a secret the service
is configured with: an API key, admin token or shared secret read from settings, the environment
or a module constant (`if supplied != settings.ADMIN_API_KEY:`, `provided !== config.apiKey`,
`r.Header.Get("Authorization") != "Bearer "+token` where `token` was handed to the middleware),
a local named like a secret read from settings (`password = settings["general"].get("open_metrics")`,
`app_pass = os.getenv("APP_PASS")`), and in Go a stored bearer secret held in a struct field
(`endpoint.Token != token`, `meta.DeletionToken == deletionToken`; not a package's constant such
as `html.ErrorToken`).

## Why it matters in production
String equality stops at the first byte that differs, so the time an answer takes says how much
of the guess was right; over many requests the key can be recovered a byte at a time. The same
line usually fails open as well: when the variable is unset the secret is `""`, and a request that
sends no header (read with a default of `""`) is equal to it.

## Example
```python
async def require_admin(x_api_key: str = Header(default="")) -> None:
    if x_api_key != settings.ADMIN_API_KEY:
        raise HTTPException(status_code=401)
```

## Use instead
```python
async def require_admin(x_api_key: str = Header(default="")) -> None:
    if not settings.ADMIN_API_KEY or not hmac.compare_digest(x_api_key, settings.ADMIN_API_KEY):
        raise HTTPException(status_code=401)
```
(`crypto.timingSafeEqual` in Node, `subtle.ConstantTimeCompare` in Go.)

## Known limitations
Only secrets read from configuration (settings/config objects, the environment, upper-case
module constants, a Go middleware's own parameter or a field named like an API key) are judged;
tokens loaded from the database and compared with `==` are not reported.

## References
- https://owasp.org/www-community/attacks/Timing_attack
- https://docs.python.org/3/library/hmac.html#hmac.compare_digest
- https://nodejs.org/api/crypto.html#cryptotimingsafeequala-b
- https://pkg.go.dev/crypto/subtle#ConstantTimeCompare
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import python as pyast
from prodready.lang.treesitter import ancestors, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import lowered_text, once_per_file
from prodready.rules._pyutil import in_test_file, names_absent
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-012",
    name="secret-compared-with-equals",
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Compare with hmac.compare_digest / crypto.timingSafeEqual / subtle.ConstantTimeCompare, and refuse an empty secret.",
    references=(
        "https://owasp.org/www-community/attacks/Timing_attack",
        "https://docs.python.org/3/library/hmac.html#hmac.compare_digest",
    ),
)

# The last name of a configured secret: API keys, admin/auth/access tokens, shared secrets.
SECRET_NAME = lazy_compile(
    r"(?i)(^|_|(?<=[a-z]))(api_?key|apikey|auth_?key|admin_?(api_?)?(key|token|secret|password)|access_?key|"
    r"(metrics|secret|private|master|signing)_?key|token|secret|shared_?secret|password|passwd|credential)s?$|(^|_)pass$"
)
# Secrets whose name alone says "configured": a field named like this holds no per-user value.
SERVICE_SECRET = lazy_compile(
    r"(?i)(api_?key|apikey|admin_?(api_?)?(key|token|secret|password)|shared_?secret|auth_?token|bearer_?token|master_?key|"
    r"webhook_?secret|internal_?(api_?|access_?)?(key|token|secret))s?$"
)
# A Go struct field holding a stored bearer secret (`endpoint.Token`, `upload.DeletionToken`,
# `node.Secret`): compared as it is stored, so not hashed, and the other side is what the caller sent.
STORED_SECRET = lazy_compile(r"^[A-Z]\w*(Token|Secret)$|^(Token|Secret)$")
CONFIG_ROOT = lazy_compile(r"(?i)(^|[._])(settings|config|conf|cfg|configuration|options|opts|env|environ)($|[._])")
SETTINGS_ROOT = lazy_compile(r"(?i)(^|[._])(settings|config|conf|cfg|configuration|env|environ)($|[._])")
GENERIC_NAME = lazy_compile(r"(?i)^(token|secret|password|passwd|credential|key)s?$")
# upper-case constants named like a secret that are markers, not secrets (`_WILDCARD_TOKEN`)
NOT_A_SECRET = lazy_compile(r"(?i)(wildcard|separator|prefix|suffix|type|name|header|param|field|placeholder|sentinel|marker)")
HASHED = lazy_compile(r"(?i)(hash|digest|bcrypt|argon|sha\d|md5|hmac|csrf)")
MESSAGE = "`{name}` is compared with `{op}`: not constant-time, and an unset secret equals an empty header"


def _skip_python(ctx: PyContext) -> bool:
    return in_test_file(ctx) or names_absent(ctx, "key", "token", "secret", "passw", "credential", ignore_case=True)


def _python_secret(node: ast.AST) -> str | None:
    """The configured secret `node` reads, as written, or None."""
    if isinstance(node, ast.Attribute) and SECRET_NAME.search(node.attr) and not node.attr.startswith("_"):
        owner = node.value
        owner_name = pyast.dotted(owner) or ""
        if isinstance(owner, ast.Call):
            owner_name = pyast.dotted(owner.func) or ""
        # a bare `token`/`key` attribute counts only on a settings object, not on any `options`
        root = SETTINGS_ROOT if GENERIC_NAME.match(node.attr) else CONFIG_ROOT
        if root.search(owner_name) or (owner_name == "self" and SERVICE_SECRET.search(node.attr)):
            return ast.unparse(node)
        return None
    if isinstance(node, ast.Subscript):
        key = pyast.const_str(node.slice)
        owner_name = pyast.dotted(node.value) or ""
        if key and SECRET_NAME.search(key) and CONFIG_ROOT.search(owner_name):
            return ast.unparse(node)
        return None
    if isinstance(node, ast.Call):
        name = pyast.dotted(node.func) or ""
        key = pyast.const_str(node.args[0]) if node.args else None
        if key and SECRET_NAME.search(key) and (name in {"os.getenv", "os.environ.get", "getenv", "config", "env"}):
            return ast.unparse(node)
        return None
    if isinstance(node, ast.Name) and node.id.isupper() and SECRET_NAME.search(node.id) and not node.id.startswith("_") \
            and not NOT_A_SECRET.search(node.id):
        return node.id
    return None


# `x = get_app_config("PRESET_ADMIN_TOKEN")`, `x = app.config.get("API_KEY")`: a configured value
# read through a helper whose name says it reads configuration.
CONFIG_READER = lazy_compile(r"(?i)(config|setting|getenv|environ|\bconf\b)")


def _config_read(value: ast.AST) -> bool:
    if _python_secret(value) is not None:
        return True
    if isinstance(value, ast.Call):
        # `conf.get("admin", "password")`: any of the string arguments may name the secret
        keys = [key for key in (pyast.const_str(arg) for arg in value.args[:2]) if key]
        # `datastore.data['settings']['application'].get('api_access_token')`: the reader is a subscript chain
        reader = pyast.dotted(value.func) or (ast.unparse(value.func) if isinstance(value.func, ast.Attribute) else "")
        return any(SECRET_NAME.search(key) for key in keys) and bool(CONFIG_READER.search(reader))
    return False


def _settings_read(value: ast.AST) -> bool:
    """`settings['general'].get("open_metrics")`, `app.config["METRICS"]`: any value read from a
    settings object (the local it is stored in is the one named like a secret)."""
    node = value.func.value if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
        and value.func.attr == "get" else value
    while isinstance(node, ast.Subscript | ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and bool(SETTINGS_ROOT.search(node.id)) and node is not value


def _local_secret(node: ast.AST) -> str | None:
    """A local variable the same function assigned, once, from configuration."""
    if not isinstance(node, ast.Name) or not SECRET_NAME.search(node.id):
        return None
    function = pyast.enclosing_function(node)
    if function is None:
        return None
    values = [
        statement.value
        for statement in ast.walk(function)
        if isinstance(statement, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == node.id for t in statement.targets)
    ]
    return node.id if len(values) == 1 and (_config_read(values[0]) or _settings_read(values[0])) else None


def _python_supplied(node: ast.AST) -> bool:
    """A value a caller could have sent: not a literal, not a length, not another configured value."""
    if isinstance(node, ast.Constant | ast.JoinedStr | ast.List | ast.Tuple | ast.Dict):
        return False
    if isinstance(node, ast.Call) and pyast.dotted(node.func) == "len":
        return False
    return _python_secret(node) is None and not HASHED.search(ast.unparse(node))


def _guarded_by_secret(node: ast.Compare, secret: str) -> bool:
    """`if settings.token and x != settings.token: reject` fails open: PR-AU-011's finding, not a
    second one here (`if secret and x == secret: grant` fails closed and is still judged)."""
    up = pyast.parent(node)
    return (
        isinstance(node.ops[0], ast.NotEq)
        and isinstance(up, ast.BoolOp)
        and any(ast.unparse(value) == secret for value in up.values if value is not node)
    )


@RULE.on_python(ast.Compare, skip_file=_skip_python)
def check_python(node: ast.Compare, ctx: PyContext) -> Iterator[Hit]:
    if _skip_python(ctx) or len(node.ops) != 1 or not isinstance(node.ops[0], ast.Eq | ast.NotEq):
        return
    left, right = node.left, node.comparators[0]
    for secret_side, other in ((left, right), (right, left)):
        secret = _python_secret(secret_side) or _local_secret(secret_side)
        if secret is None or not _python_supplied(other) or _local_secret(other) or HASHED.search(secret):
            continue
        if _guarded_by_secret(node, secret):
            return
        ctx.examine(RULE)
        op = "==" if isinstance(node.ops[0], ast.Eq) else "!="
        yield RULE.hit(node, MESSAGE.format(name=secret, op=op))
        return


# JavaScript/TypeScript and Go share the textual shape of the two sides.
JS_SECRET = lazy_compile(
    r"^(process\.env|(?:[\w$]+\.)*(?:config|conf|cfg|settings|options|opts|env)(?:\.[\w$]+)*)\.([\w$]+)$|"
    r"^process\.env\[['\"](\w+)['\"]\]$|^([A-Z][A-Z0-9_]*)$"
)
JS_LITERAL = lazy_compile(r"^(['\"`].*['\"`]|\d[\w.]*|undefined|null|true|false|\[.*\]|\{.*\})$")
GO_LITERAL = lazy_compile(r"^(\".*\"|`.*`|\d[\w.]*|nil|true|false)$")


def _last_name(expression: str) -> str:
    return expression.rstrip("]'\")").rsplit(".", 1)[-1].rsplit("[", 1)[-1].strip("'\"")


# `apikey!.trim()`, `apiKey.toString()`: the value itself, as read
JS_VALUE_OF = lazy_compile(r"(!|\.trim\(\)|\.toString\(\))+$")
JS_IDENTIFIER = lazy_compile(r"^[A-Za-z_$][\w$]*$")


def _js_secret(node: Any) -> str | None:
    source = text(node).strip()
    bare = JS_VALUE_OF.sub("", source)
    if JS_IDENTIFIER.match(bare) and SERVICE_SECRET.search(bare) and not HASHED.search(bare):
        return source  # a variable named for a service's API key / admin token, not a per-user value
    match = JS_SECRET.match(source)
    if match is None or not SECRET_NAME.search(_last_name(source)) or HASHED.search(source):
        return None
    return source


@once_per_file
@once_per_file
def _no_secret_words(ctx: TreeContext) -> object:
    """skip_file= for the JS and Go handlers: test code, or no word a secret's name holds (the
    handlers ask again at every comparison: answered once per file, the file lower-cased once)."""
    if ctx.is_test_file:
        return True
    lowered = lowered_text(ctx)
    return not any(word in lowered for word in ("key", "token", "secret", "passw"))


def _fail_open_guard(node: Any, secret: str) -> bool:
    """`secret && x !== secret` (Go: `secret != "" && x != secret`) rejecting fails open: PR-AU-011's
    finding (the caller asks only for `!=`; `secret && x === secret` granting is judged here)."""
    parent = node.parent
    if parent is None or parent.type != "binary_expression":
        return False
    operator = parent.child_by_field_name("operator")
    if operator is None or text(operator) != "&&":
        return False
    return any(secret in text(side) for side in (field(parent, "left"), field(parent, "right")) if side is not None and side.id != node.id)


@RULE.on_tree("binary_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_secret_words)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _no_secret_words(ctx):
        return
    operator = node.child_by_field_name("operator")
    op = text(operator) if operator is not None else ""
    if op not in {"===", "!==", "==", "!="}:
        return
    left, right = field(node, "left"), field(node, "right")
    if left is None or right is None:
        return
    for secret_side, other in ((left, right), (right, left)):
        secret = _js_secret(secret_side)
        other_text = text(other).strip()
        if secret is None or JS_LITERAL.match(other_text) or other_text.endswith(".length") or _js_secret(other) or HASHED.search(other_text):
            continue
        if other.type in {"binary_expression", "unary_expression"} or (op in {"!==", "!="} and _fail_open_guard(node, secret)):
            return
        ctx.examine(RULE)
        yield RULE.hit(node, MESSAGE.format(name=secret, op=op))
        return


def _go_parameters(function: Any) -> set[str]:
    parameters = field(function, "parameters")
    names: set[str] = set()
    if parameters is None:
        return names
    for declaration in parameters.named_children:
        for child in declaration.children_by_field_name("name"):
            names.add(text(child))
    return names


def _go_closure_parameter(node: Any, name: str) -> bool:
    """`name` is a parameter of a function that returns the closure holding `node` (a middleware
    built with its token: `func requireAdmin(token string) func(http.Handler) http.Handler`)."""
    seen_closure = False
    for up in ancestors(node):
        if up.type == "func_literal":
            if name in _go_parameters(up):
                return False
            seen_closure = True
        elif up.type in {"function_declaration", "method_declaration"}:
            return seen_closure and name in _go_parameters(up)
    return False


def _go_secret(node: Any) -> str | None:
    if node.type == "parenthesized_expression" and node.named_children:
        return _go_secret(node.named_children[0])
    if node.type == "binary_expression":
        operator = node.child_by_field_name("operator")
        right = field(node, "right")
        # "Bearer " + token
        if operator is not None and text(operator) == "+" and right is not None and field(node, "left") is not None:
            left = field(node, "left")
            if left is not None and left.type == "interpreted_string_literal":
                return _go_secret(right)
        return None
    source = text(node).strip()
    if node.type == "selector_expression":
        operand = field(node, "operand")
        name = text(field(node, "field"))
        owner = text(operand) if operand is not None else ""
        if SECRET_NAME.search(name) and (CONFIG_ROOT.search(owner) or SERVICE_SECRET.search(name) or STORED_SECRET.search(name)) \
                and not HASHED.search(source):
            return source
        return None
    if node.type == "call_expression":
        if text(field(node, "function")) == "os.Getenv":
            arguments = field(node, "arguments")
            if arguments is not None and SECRET_NAME.search(text(arguments).strip('()"`')):
                return source
        return None
    if node.type == "identifier" and SECRET_NAME.search(source) and not HASHED.search(source):
        if _go_closure_parameter(node, source):
            return source
    return None


@RULE.on_tree("binary_expression", languages=(Language.GO,), skip_file=_no_secret_words)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _no_secret_words(ctx):
        return
    operator = node.child_by_field_name("operator")
    op = text(operator) if operator is not None else ""
    if op not in {"==", "!="}:
        return
    left, right = field(node, "left"), field(node, "right")
    if left is None or right is None:
        return
    for secret_side, other in ((left, right), (right, left)):
        secret = _go_secret(secret_side)
        other_text = text(other).strip()
        if secret is None or GO_LITERAL.match(other_text) or other_text.startswith("len(") or _go_secret(other) or HASHED.search(other_text):
            continue
        if _go_package_constant(secret_side, ctx) or _go_copies_on_mismatch(node, secret):
            return
        if op == "!=" and _fail_open_guard(node, secret):
            return
        ctx.examine(RULE)
        yield RULE.hit(node, MESSAGE.format(name=secret, op=op))
        return


def _go_package_constant(node: Any, ctx: TreeContext) -> bool:
    """`html.ErrorToken`, `fosite.AccessToken`: a constant of an imported package (a token kind), not
    a stored secret."""
    operand = field(node, "operand") if node.type == "selector_expression" else None
    if operand is None or operand.type != "identifier":
        return False
    package = re.escape(text(operand))
    imports = " ".join(match.group(0) for match in GO_IMPORTS.finditer(ctx.text))
    return bool(re.search(rf'(^|\s){package}\s+"[^"]+"|"(?:[^"]*/)?{package}(?:/v\d+)?"', imports))


GO_IMPORTS = lazy_compile(r'(?ms)^import\s*\((.*?)^\)|^import\s+(\w+\s+)?("[^"\n]+")')


def _go_copies_on_mismatch(node: Any, secret: str) -> bool:
    """`if c.ApiSecret != apiEnv { c.ApiSecret = apiEnv }`: configuration kept in sync, no check."""
    statement = node.parent
    while statement is not None and statement.type in {"binary_expression", "parenthesized_expression"}:
        statement = statement.parent
    if statement is None or statement.type != "if_statement":
        return False
    body = field(statement, "consequence")
    return body is not None and re.search(rf"(^|\s){re.escape(secret)}\s*=[^=]", text(body)) is not None
