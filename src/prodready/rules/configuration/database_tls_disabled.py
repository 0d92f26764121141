"""Database connection string that turns TLS off

## What it does
Flags a connection string written in the service's code that disables TLS to the database:
`sslmode=disable` in a PostgreSQL DSN or URL (Go, Python, JS/TS), or `"sslmode": "disable"` in
Python connect arguments. Test code, examples and development-only files are skipped; a value that
comes from configuration (`sslmode=%s`, an env var) is not flagged.

## Why it matters in production
With `sslmode=disable` the password exchange, every query and every row travel in clear text
between the service and the database. Managed databases and anything across a network the service
does not own (another availability zone, a peered VPC, a cloud provider's database) are readable by
whoever can see that traffic. Because it is written in code, staging and production cannot turn
TLS on without a release.

## Example
```go
dsn := fmt.Sprintf("host=%s user=%s password=%s dbname=%s sslmode=disable", host, user, pass, name)
```

## Use instead
```go
dsn := fmt.Sprintf("host=%s user=%s password=%s dbname=%s sslmode=%s", host, user, pass, name, cfg.SSLMode)
// cfg.SSLMode defaults to "verify-full" in production, "disable" only in local config
```

## Known limitations
A DSN whose sslmode is chosen by a branch on the environment in the same function is still flagged
when one branch writes `disable`.

## References
- https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import python as pyast
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-006",
    name="database-tls-disabled",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Take sslmode from configuration and default it to verify-full (require at least) outside local development.",
    references=("https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION",),
)

DISABLED = lazy_compile(r"sslmode\s*=\s*disable\b", re.IGNORECASE)
NOT_PRODUCTION = lazy_compile(r"(?i)(^|/)(tests?|testing|testdata|examples?|e2e|fixtures?|mocks?|scripts?|dev|local|docs?)(/|$)|_test\.go$|\.(test|spec)\.[jt]s$")
STRING_NODES = ("interpreted_string_literal", "raw_string_literal", "string", "template_string")


@once_per_file
def _skip(ctx: Any) -> object:
    return ctx.is_test_file or "sslmode" not in ctx.text or NOT_PRODUCTION.search(ctx.path)


@RULE.on_tree(*STRING_NODES, languages=(Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_skip)
def check_tree(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx) or (node.parent is not None and node.parent.type in STRING_NODES):
        return
    ctx.examine(RULE)
    if DISABLED.search(text(node)):
        yield RULE.hit(node, "the database connection string turns TLS off (sslmode disable): credentials and data cross the network in clear text")


@RULE.on_python(ast.Constant, skip_file=_skip)
def check_python(node: ast.Constant, ctx: PyContext) -> Iterator[Hit]:
    if _skip(ctx) or not isinstance(node.value, str) or is_script_like(ctx):
        return
    if isinstance(pyast.parent(node), ast.Expr):
        return  # a docstring that documents the setting
    ctx.examine(RULE)
    if DISABLED.search(node.value):
        yield RULE.hit(node, "the database connection string turns TLS off (sslmode disable): credentials and data cross the network in clear text")
    elif node.value == "disable" and _is_sslmode_value(node, ctx):
        yield RULE.hit(node, '"sslmode": "disable" in the connect arguments: credentials and data cross the network in clear text')


def _is_sslmode_value(node: ast.Constant, ctx: PyContext) -> bool:
    line = ctx.lines[node.lineno - 1] if 0 < node.lineno <= len(ctx.lines) else ""
    return bool(re.search(r"""['"]?sslmode['"]?\s*[:=]\s*['"]disable""", line))
