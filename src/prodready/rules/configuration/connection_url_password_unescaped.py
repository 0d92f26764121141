"""Password interpolated into a connection URL without escaping

## What it does
Flags a database, cache or broker URL (`postgresql://`, `mysql://`, `mongodb://`, `redis://`,
`amqp://` ...) built by interpolating a password variable straight into the `user:password@host`
part — a Python f-string or `.format`, a Go `fmt.Sprintf`, a JS template literal — when the value
is not URL-escaped first (`quote_plus`, `url.QueryEscape`/`url.UserPassword`,
`encodeURIComponent`).

## Why it matters in production
Generated and rotated passwords contain `@`, `:`, `/`, `#`, `%` or `?`. Interpolated raw, the URL
parses differently: the host becomes part of the password, the port or database name is wrong,
and the service cannot connect — typically right after a credential rotation in production, and
with an error that prints the half-parsed URL (and the password) into the logs.

## Example
```python
DATABASE_URL = f"postgresql://{user}:{password}@{host}:{port}/{db}"
```

## Use instead
```python
from sqlalchemy.engine import URL

DATABASE_URL = URL.create("postgresql", username=user, password=password, host=host, port=port, database=db)
# or: f"postgresql://{user}:{quote_plus(password)}@{host}:{port}/{db}"
```

## Known limitations
A password escaped where it is read (before it reaches this line) is not followed.

## References
- https://docs.sqlalchemy.org/en/20/core/engines.html#escaping-special-characters-such-as-signs-in-passwords
- https://pkg.go.dev/net/url#UserPassword
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-008",
    name="connection-url-password-unescaped",
    category=Category.CONFIGURATION,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="URL-escape the password (quote_plus / url.UserPassword / encodeURIComponent) or build the URL with the driver's URL type.",
    references=("https://docs.sqlalchemy.org/en/20/core/engines.html#escaping-special-characters-such-as-signs-in-passwords",),
)

SCHEME = lazy_compile(r"(?i)\b(postgres(ql)?(\+\w+)?|mysql(\+\w+)?|mariadb|mongodb(\+srv)?|redis|rediss|amqps?|mssql)://")
PASSWORD = lazy_compile(r"(?i)pass(word|wd)?|pwd|secret")
ESCAPED = lazy_compile(r"(?i)quote(_plus)?\(|QueryEscape\(|PathEscape\(|UserPassword\(|encodeURIComponent\(|escape\(|quoted|escaped|encoded")


@once_per_file
def _no_url(ctx: Any) -> object:
    return ctx.is_test_file or "@" not in ctx.text


@RULE.on_python(ast.JoinedStr, skip_file=_no_url)
def check_fstring(node: ast.JoinedStr, ctx: PyContext) -> Iterator[Hit]:
    if _no_url(ctx):
        return
    literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if not SCHEME.search(literal) and not (":" in literal and "@" in literal):
        return  # a URL, or its `{user}:{password}@{host}` part with the scheme added elsewhere
    ctx.examine(RULE)
    # the interpolation between "://user:" and "@"
    parts = node.values
    for index, value in enumerate(parts):
        if not isinstance(value, ast.FormattedValue):
            continue
        before = parts[index - 1] if index else None
        after = parts[index + 1] if index + 1 < len(parts) else None
        if not (isinstance(before, ast.Constant) and str(before.value).endswith(":")
                and isinstance(after, ast.Constant) and str(after.value).startswith("@")):
            continue
        expression = ast.unparse(value.value)
        if PASSWORD.search(expression) and not ESCAPED.search(expression):
            yield RULE.hit(node, f"`{expression}` goes into the URL unescaped: a password with @, : or / breaks it")
            return


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c == "fmt.Sprintf", skip_file=_no_url)
def check_sprintf(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if go.callee(node) != "fmt.Sprintf" or _no_url(ctx):
        return
    args = go.call_args(node)
    template = go.string_arg(node) or ""
    if len(args) < 2 or not SCHEME.search(template):
        return
    ctx.examine(RULE)
    verbs = re.findall(r"%[-+# 0-9.]*[a-zA-Z]", template.split("@", 1)[0]) if "@" in template else []
    userinfo = template.split("://", 1)[-1].split("@", 1)[0] if "@" in template else ""
    if ":" not in userinfo or not verbs:
        return
    password_index = len(verbs)  # the verb just before "@" is the password
    if password_index >= len(args):
        return
    expression = text(args[password_index])
    if PASSWORD.search(expression) and not ESCAPED.search(expression):
        yield RULE.hit(node, f"`{expression}` goes into the URL unescaped: a password with @, : or / breaks it")


@RULE.on_tree("template_string", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_url)
def check_template(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _no_url(ctx):
        return
    body = text(node)
    if not SCHEME.search(body):
        return
    ctx.examine(RULE)
    match = re.search(r"://[^@`]*:\$\{([^}]*)\}@", body)
    if match and PASSWORD.search(match.group(1)) and not ESCAPED.search(match.group(1)):
        yield RULE.hit(node, f"`{match.group(1)}` goes into the URL unescaped: a password with @, : or / breaks it")
