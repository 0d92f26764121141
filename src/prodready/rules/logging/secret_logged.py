"""Secret written to the logs.

## What it does
Flags logging calls (`logger.info/debug/warning/error/...`, `logging.*`, `print`) whose message
interpolates a value named like a secret — password, token, secret, API key, credentials,
Authorization header — or dumps request headers wholesale.

## Why it matters in production
Logs are shipped, indexed and kept for months by systems with far wider access than the secret
store. A token in a log line is a leaked token; an `Authorization` header in debug output is a
session anyone with log access can replay.

## Example
```python
logger.info(f"login ok for {user} with token={token}")
```

## Use instead
```python
logger.info("login ok", extra={"user_id": user.id})   # never the credential itself
```

## Known limitations
Values are judged by their names; a secret stored in an innocently named variable is not found.

## References
- https://owasp.org/www-project-top-ten/2017/A3_2017-Sensitive_Data_Exposure
- https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules._secretutil import NOT_SECRET_NAME
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-002",
    name="secret-logged",
    category=Category.LOGGING,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Log identifiers, never credentials; mask or drop secret values before logging.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html",),
)

LEVELS = {"debug", "info", "warning", "warn", "error", "critical", "exception", "log"}
# structlog's async methods (`await logger.ainfo(...)`) log the same way.
LEVELS |= {f"a{level}" for level in LEVELS}
SECRETISH = lazy_compile(
    r"(?i)^(.*_)?(password|passwd|pwd|secret|token|access_token|refresh_token|api_?key|apikey|credentials?|authorization|auth_header|private_key|client_secret|cookie|session_token)$"
)


def _secret_names(node: ast.AST) -> list[str]:
    found = []
    for sub in ast.walk(node):
        name = None
        if isinstance(sub, ast.Name):
            name = sub.id
        elif isinstance(sub, ast.Attribute):
            name = sub.attr
        elif isinstance(sub, ast.Subscript):
            key = pyast.const_str(sub.slice)
            name = key.replace("-", "_") if key else None
        if name and SECRETISH.match(name) and not NOT_SECRET_NAME.search(name):
            found.append(name)
        if (
            isinstance(sub, ast.Attribute)
            and sub.attr == "headers"
            and isinstance(pyast.parent(sub), ast.FormattedValue | ast.Call | ast.Tuple)
        ):
            found.append("headers")
    return found


@RULE.on_python(
    ast.Call,
    calls=[
        "critical", "debug", "error", "exception", "info", "log", "print", "warn", "warning",
        "acritical", "adebug", "aerror", "aexception", "ainfo", "alog", "awarn", "awarning",
    ],
    skip_file=is_script_like,
)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    func = node.func
    is_log = (
        isinstance(func, ast.Attribute)
        and func.attr in LEVELS
        and ((pyast.dotted(func.value) or "").split(".")[-1].lower().endswith(("log", "logger", "logging")))
    )
    is_print = isinstance(func, ast.Name) and func.id == "print"
    if not (is_log or is_print) or is_script_like(ctx):
        return  # a CLI showing an operator the password it just generated is its job
    ctx.examine(RULE)
    for arg in node.args:
        if isinstance(arg, ast.Constant):
            continue
        names = _secret_names(arg)
        if names:
            yield RULE.hit(node, f"log message includes `{names[0]}`", anchor=pyast.anchor_of(node))
            return


ENGINE_FACTORIES = frozenset({"create_engine", "create_async_engine", "sqlalchemy.create_engine", "sqlalchemy.ext.asyncio.create_async_engine"})


@RULE.on_python(ast.Call, calls=["create_engine", "create_async_engine"])
def check_echo(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    """SQLAlchemy `echo=True`: every statement is logged with its bound parameters."""
    name = ctx.call_name(node) or ""
    if name.split(".")[-1] not in {"create_engine", "create_async_engine"} or is_script_like(ctx):
        return
    echo = pyast.keyword(node, "echo")
    if echo is None:
        return
    ctx.examine(RULE)
    if isinstance(echo.value, ast.Constant) and echo.value.value in (True, "debug"):
        yield RULE.hit(
            echo,  # the setting itself: in a multi-line call the reviewer points at `echo=True`
            "echo=True logs every SQL statement with its parameters (passwords, tokens, personal data) at INFO in production",
        )
