"""TLS certificate verification disabled

## What it does
Flags, in server code, certificate checks switched off as a literal:
- JS/TS: `rejectUnauthorized: false` (https/tls agents, nodemailer `tls`, pg/mysql/redis `ssl`
  options, axios `httpsAgent`), assignments `opts.tls.rejectUnauthorized = false`, and
  `process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"`;
- Python: `verify=False` passed to an HTTP call or client (requests, httpx), `session.verify = False`,
  `ssl_cert_reqs=None` (redis/celery), `context.verify_mode = ssl.CERT_NONE`;
- Go: `tls.Config{InsecureSkipVerify: true}`.

Left alone: a line guarded by a development/test check or by a setting that opts into it
(`if cfg.InsecureSkipVerify`), a line marked `#nosec`/`nolint`, and health-check probes.

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

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import ancestors, field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-105",
    name="tls-verification-disabled",
    aliases=("js-tls-verification-disabled",),
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT, Language.PYTHON, Language.GO}),
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


# -- Python and Go ------------------------------------------------------------------------------

# An `if` that opts into it (`if settings.VERIFY_SSL is False`, `if cfg.InsecureSkipVerify`) or a
# development check: the literal is what the operator asked for.
OPT_IN = lazy_compile(r"(?i)insecure|verify|self.?signed|skip.?tls|tls.?skip|no.?ssl|ssl.?verify|NODE_ENV|development|debug|\btest")
PROBE = lazy_compile(r"(?i)health|ping|probe|(^|/)(test|tests|testing|e2e)/|_test\.|testing\.go$|mock")
SUPPRESSED = lazy_compile(r"#\s*nosec|//\s*nolint|//\s*#nosec")
MESSAGE = "{what}: TLS certificates are not verified, so whoever answers (a rogue proxy, a neighbour on the network) can impersonate the server and read the credentials sent to it"


def _py_skip(ctx: PyContext) -> bool:
    return in_test_file(ctx) or bool(PROBE.search(ctx.path)) or not any(
        word in ctx.text for word in ("verify", "CERT_NONE", "ssl_cert_reqs"))


def _py_opted_in(node: ast.Call | ast.Assign, ctx: PyContext) -> bool:
    if SUPPRESSED.search(ctx.lines[node.lineno - 1] if node.lineno <= len(ctx.lines) else ""):
        return True
    return any(isinstance(up, ast.If | ast.IfExp) and OPT_IN.search(ast.unparse(up.test)) for up in pyast.ancestors(node))


@RULE.on_python(ast.Call, ast.Assign, skip_file=_py_skip)
def check_python(node: ast.Call | ast.Assign, ctx: PyContext) -> Iterator[Hit]:
    if _py_skip(ctx):
        return
    at: ast.AST
    if isinstance(node, ast.Call):
        callee = pyast.dotted(node.func) or ""
        if "jwt" in callee.lower() or callee.endswith("decode"):
            return  # PyJWT's old verify=False: a token check, PR-AU's business
        verify, cert_reqs = pyast.keyword(node, "verify"), pyast.keyword(node, "ssl_cert_reqs")
        if verify is not None and isinstance(verify.value, ast.Constant) and verify.value.value is False:
            what, at = "verify=False", verify.value
        elif cert_reqs is not None and isinstance(cert_reqs.value, ast.Constant) and cert_reqs.value.value in {None, "none", "CERT_NONE"}:
            what, at = f"ssl_cert_reqs={ast.unparse(cert_reqs.value)}", cert_reqs.value
        else:
            return
    else:
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Attribute):
            return
        attribute, value = node.targets[0].attr, ast.unparse(node.value)
        if attribute == "verify" and value == "False":
            what = f"{ast.unparse(node.targets[0])} = False"
        elif attribute == "verify_mode" and value.endswith("CERT_NONE"):
            what = f"{ast.unparse(node.targets[0])} = ssl.CERT_NONE"
        else:
            return
        at = node
    ctx.examine(RULE)
    if not _py_opted_in(node, ctx):
        # the keyword itself, where a multi-line call switches verification off
        yield RULE.hit(at, MESSAGE.format(what=what))


def _go_skip(ctx: TreeContext) -> bool:
    return ctx.is_test_file or bool(PROBE.search(ctx.path)) or "InsecureSkipVerify" not in ctx.text


@RULE.on_tree("keyed_element", languages=(Language.GO,), skip_file=_go_skip)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _go_skip(ctx) or len(node.named_children) < 2:
        return
    key, value = node.named_children[0], node.named_children[-1]
    if text(key).strip() != "InsecureSkipVerify" or text(value).strip() != "true":
        return
    ctx.examine(RULE)
    row = node.start_point[0]
    if SUPPRESSED.search(ctx.lines[row] if row < len(ctx.lines) else ""):
        return
    for up in ancestors(node):
        if up.type == "if_statement" and OPT_IN.search(text(field(up, "condition"))):
            return
        if up.type in {"var_spec", "const_spec"} and OPT_IN.search(text(up.named_children[0]) if up.named_children else ""):
            return  # `defaultInsecureHTTPClient = ...`: the client callers choose when they opt in
        if up.type in {"function_declaration", "method_declaration"}:
            if PROBE.search(text(field(up, "name"))):
                return  # a health-check probe of the service itself
            break
    yield RULE.hit(node, MESSAGE.format(what="InsecureSkipVerify: true"))
