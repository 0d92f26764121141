"""TLS certificate verification disabled (JS/TS)

## What it does
Flags `rejectUnauthorized: false` (https/tls agents, nodemailer `tls`, pg/mysql/redis `ssl`
options, axios `httpsAgent`), assignments `opts.tls.rejectUnauthorized = false`, and
`process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"` in server code — unless the line is guarded by a
development/test check.

## Why it matters in production
Without certificate verification TLS still encrypts, but to whoever answers: anyone on the network
path (a compromised router, a rogue Wi-Fi, a cloud neighbour) can impersonate the SMTP relay,
database or API and read the credentials and data sent to it. Setting the environment variable
turns it off for every connection in the process.

## Example
```js
transportConfig.tls = { rejectUnauthorized: false };   // "retry with the self-signed certificate"
```

## Use instead
```js
tls: { ca: fs.readFileSync(process.env.SMTP_CA_FILE) }  // trust the private CA instead
```

## Known limitations
A value computed from configuration (`rejectUnauthorized: !config.insecure`) is not judged.

## References
- https://nodejs.org/api/tls.html#tlsconnectoptions-callback
- https://cwe.mitre.org/data/definitions/295.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-105",
    name="js-tls-verification-disabled",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Keep certificate verification on; trust a private CA with the `ca` option instead of disabling checks.",
    references=("https://cwe.mitre.org/data/definitions/295.html",),
)

DEV = lazy_compile(r"(?i)NODE_ENV|development|\btest\b|isDev|isLocal|localhost")


def _guarded(node: Any) -> bool:
    for anc in ancestors(node):
        if anc.type in {"if_statement", "ternary_expression"} and DEV.search(text(field(anc, "condition"))):
            return True
    return False


def _skip(ctx: TreeContext) -> bool:
    return ctx.is_test_file or bool(js.SCRIPT_PATH.search(ctx.path))


def _no_reject_unauthorized(ctx: TreeContext) -> bool:
    """skip_file=: check_pair needs a `rejectUnauthorized` key, whose text is a piece of the file's."""
    return "rejectUnauthorized" not in ctx.text


@RULE.on_tree("pair", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_reject_unauthorized)
def check_pair(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    key = field(node, "key")
    if key is None or text(key).strip("'\"") != "rejectUnauthorized" or text(field(node, "value")) != "false" or _skip(ctx):
        return
    ctx.examine(RULE)
    if not _guarded(node):
        yield RULE.hit(node, "rejectUnauthorized: false: TLS certificates are not verified, so the peer can be impersonated")


@RULE.on_tree("assignment_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def check_assignment(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    left = text(field(node, "left"))
    right = field(node, "right")
    if right is None or _skip(ctx):
        return
    if left.endswith(".rejectUnauthorized") and text(right) == "false":
        message = f"{left} = false: TLS certificates are not verified, so the peer can be impersonated"
    elif left.replace("['", ".").replace("']", "").replace('["', ".").replace('"]', "") == "process.env.NODE_TLS_REJECT_UNAUTHORIZED" and string_value(right) == "0":
        message = "NODE_TLS_REJECT_UNAUTHORIZED=0 disables certificate checks for every connection in the process"
    else:
        return
    ctx.examine(RULE)
    if not _guarded(node):
        yield RULE.hit(node, message)
