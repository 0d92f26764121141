"""Secret, token or password written to the logs (JS/TS).

## What it does
Flags `console.*` and logger calls (`logger.info`, `log.debug`, pino/winston/bunyan, `req.log`)
whose arguments (not string literals) contain a variable or property named like a credential
(`password`, `token`, `accessToken`, `apiKey`, `secret`, `authorization`, `cookie`), the whole
request headers, or the whole configuration (`logger.info({ config })`, `console.log(process.env)`).

## Why it matters in production
Logs are shipped to many systems and kept for months, read by far more people than the
database. A token or password in a log line is a leaked credential, and rotating it is the only fix.

## Example
```js
logger.info(`login attempt ${email} / ${password}`);
console.log("headers", req.headers);
```

## Use instead
```js
logger.info({ email }, "login attempt");
// pino: redact: ["req.headers.authorization", "password"]
```

## Known limitations
Objects that contain secrets under other names (a whole `user` record with its hash) are not seen;
pino `redact` configured elsewhere is not taken into account.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html
- https://getpino.io/#/docs/redaction
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, descendants, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-002",
    name="secret-logged",
    aliases=("PR-LG-102", "js-secret-logged"),
    category=Category.LOGGING,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Log identifiers, never credentials; use the logger's redaction (pino redact) for headers and bodies.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html",),
)
LEVELS = {"log", "info", "debug", "warn", "error", "trace", "fatal", "verbose", "silly"}
LOGGERS = lazy_compile(
    r"(?i)^(console|logger|log|\w*logger|req\.log|request\.log|ctx\.log|fastify\.log|app\.log|this\.logger|this\.log)$"
)
SECRETISH = lazy_compile(
    r"(?i)^_?(password|passwd|pwd|secret|client_?secret|token|access_?token|refresh_?token|id_?token|auth_?token|bearer_?token|"
    r"api_?key|apikey|private_?key|secret_?key|authorization|cookie|cookies|session_?token|otp|pin_?code|credentials?|jwt)$"
)
NOT_SECRET = lazy_compile(
    r"(?i)(length|count|type|expir|present|valid|name|id$|url|hash|hint|field|header_name|strength|policy|min|max|reset)"
)


def _secret_in(arg: Any) -> str:
    if arg.type in {"string"}:
        return ""
    nodes = [arg, *descendants(arg)]
    for node in nodes:
        if node.type in {"identifier", "property_identifier", "shorthand_property_identifier"}:
            name = text(node)
            parent = node.parent
            if parent is not None and parent.type == "pair" and node == parent.child_by_field_name("key"):
                continue  # { token: "***" } key names, the value is judged on its own
            if (
                parent is not None
                and parent.type == "member_expression"
                and node == parent.child_by_field_name("object")
            ):
                continue  # token.length: judged by the property
            if parent is not None and parent.type == "call_expression":
                continue  # password() / mask(token) calls
            if SECRETISH.match(name) and not NOT_SECRET.search(name):
                if _masked(node):
                    continue
                return name
        if node.type == "member_expression" and re.fullmatch(
            r"(req|request|ctx\.request|ctx)\.headers", text(node)
        ):
            parent = node.parent
            if parent is None or parent.type not in {"member_expression", "subscript_expression"}:
                return text(node)
    return ""


def _masked(node: Any) -> bool:
    chain: list[Any] = []
    current = node.parent
    while current is not None and len(chain) < 3:
        chain.append(current)
        current = current.parent
    for anc in chain:
        if anc.type == "call_expression" and re.search(
            r"(?i)(mask|redact|hash|sha|digest|slice|substring|substr|boolean|typeof|isvalid|length)",
            js.callee(anc),
        ):
            return True
        if anc.type in {"ternary_expression", "unary_expression", "binary_expression"} and re.search(
            r"!|\?|===|!==", text(anc)[:80]
        ):
            return True  # `token ? "set" : "missing"`, `!!token`
    return False


DEV = lazy_compile(r"(?i)(isDev|development|isDebug|\bdebug\b|isLocal|NODE_ENV\s*!==?\s*['\"]production)")


def _dev_only(node: Any) -> bool:
    """Inside `if (isDevelopment) { ... }`: a local-only debugging aid."""
    for anc in ancestors(node):
        if anc.type == "if_statement":
            condition = anc.child_by_field_name("condition")
            if condition is not None and DEV.search(text(condition)):
                return True
    return False


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda name: "." in name and name.rpartition(".")[2] in LEVELS)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = js.callee(node)
    if "." not in name or ctx.is_test_file:
        return
    owner, _, level = name.rpartition(".")
    if level not in LEVELS or not LOGGERS.match(owner):
        return
    ctx.examine(RULE)
    if _dev_only(node):
        return
    for arg in js.args(node):
        found = _secret_in(arg)
        if found:
            yield RULE.hit(node, f"log call includes `{found}`")
            return
    for arg in js.args(node):
        whole = _whole_config(arg)
        if whole:
            yield RULE.hit(node, f"log call dumps the whole `{whole}`: the keys, passwords and URLs it holds end up in log storage")
            return


WHOLE_CONFIG = lazy_compile(r"^(config|cfg|conf|settings|appConfig|serverConfig|process\.env)$")


def _whole_config(arg: Any) -> str:
    """`logger.info({ config }, 'starting')`, `console.log(config)`, `console.log(process.env)`."""
    if arg.type in {"identifier", "member_expression"} and WHOLE_CONFIG.match(text(arg)):
        return text(arg)
    if arg.type == "object":
        for child in arg.named_children:
            if child.type == "shorthand_property_identifier" and WHOLE_CONFIG.match(text(child)):
                return text(child)
            value = child.child_by_field_name("value") if child.type == "pair" else None
            if value is not None and value.type in {"identifier", "member_expression"} and WHOLE_CONFIG.match(text(value)):
                return text(value)
    return ""
