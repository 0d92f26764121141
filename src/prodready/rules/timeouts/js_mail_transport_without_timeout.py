"""SMTP connection without timeouts

## What it does
Flags `nodemailer.createTransport({...})` SMTP transports (host/port, a connection `url` or a well-known
`service`, also with spread defaults when the file names no timeout anywhere, and a connection URL taken
straight from `process.env`)
whose options set none of `connectionTimeout`, `greetingTimeout` or `socketTimeout`. An options
object held in a local `const` is read too. Transports for HTTP mail APIs (a plugin object), SES,
stream/JSON transports and options built elsewhere are skipped. In Python, `smtplib.SMTP(...)` /
`SMTP_SSL(...)` without `timeout=`, and the standard library's IMAP and POP3 clients
(`imaplib.IMAP4[_SSL]`, `poplib.POP3[_SSL]`, used to log users in against a mail server or to fetch mail) and Flask-Mail's `mail.send()` (Flask-Mail has no timeout
setting); in Go, `net/smtp.SendMail` (no deadline at all). Django settings that set `EMAIL_HOST`
without `EMAIL_TIMEOUT`, or an SMTP `EmailBackend` table whose `OPTIONS` give no `timeout`.

## Why it matters in production
Nodemailer waits up to 2 minutes to connect and 10 minutes of socket inactivity by default. When
the SMTP relay is slow or black-holes packets, every request that sends mail (sign-up, password
reset, contact form) hangs for minutes, holding its connection and memory, and users retry.

## Example
```js
const transporter = nodemailer.createTransport({
  host: process.env.SMTP_HOST, port: 465, secure: true,
  auth: { user: process.env.SMTP_USER, pass: process.env.SMTP_PASSWORD },
});
```

## Use instead
```js
const transporter = nodemailer.createTransport({
  host: process.env.SMTP_HOST, port: 465, secure: true,
  auth: { user: process.env.SMTP_USER, pass: process.env.SMTP_PASSWORD },
  connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000,
});
```

## Known limitations
Options passed in from another module are not followed; a connection URL string is not read.

## References
- https://nodemailer.com/smtp/#connection-options
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import descendants, field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules import _django as django
from prodready.rules._go_http import in_test_path
from prodready.rules._pyutil import in_test_file, is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-103",
    name="js-mail-transport-without-timeout",
    category=Category.TIMEOUTS,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT, Language.PYTHON, Language.GO}),
    fix="Give every SMTP connection a timeout of seconds: nodemailer connectionTimeout/greetingTimeout/socketTimeout, smtplib timeout=, Flask-Mailman MAIL_TIMEOUT, a net.Dialer deadline in Go.",
    references=("https://nodemailer.com/smtp/#connection-options",),
)

TIMEOUT_KEYS = ("connectionTimeout", "greetingTimeout", "socketTimeout")
NOT_SMTP_KEYS = ("SES", "sendmail", "streamTransport", "jsonTransport")


def _local_object(name: str, call: Any) -> Any:
    """The object literal of `const name = {...}` in the functions around the call (or the module)."""
    scope = js.enclosing_function(call)
    while True:
        body = scope if scope is not None else _root(call)
        for declarator in descendants(body, "variable_declarator"):
            value = field(declarator, "value")
            if text(field(declarator, "name")) == name and value is not None and value.type == "object":
                return value
        if scope is None:
            return None
        scope = js.enclosing_function(scope)


def _names_key(options: Any, key: str) -> bool:
    """The object literal itself sets `key` (a spread of defaults is judged by the file's text)."""
    for child in options.named_children:
        if child.type == "pair" and text(field(child, "key")).strip("'\"") == key:
            return True
        if child.type == "shorthand_property_identifier" and text(child) == key:
            return True
    return False


def _root(node: Any) -> Any:
    while node.parent is not None:
        node = node.parent
    return node


@RULE.on_tree("program", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def check(root: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    if not any(m.split("#")[0] == "nodemailer" for m in ctx.imports.values()):
        return
    seen: set[str] = set()
    for call in descendants(root, "call_expression"):
        if not js.callee(call).endswith("createTransport") or not js.args(call):
            continue
        options = js.args(call)[0]
        if options.type == "member_expression" and text(options).startswith("process.env."):
            # `createTransport(process.env.SMTP_URL)`: a connection URL, which carries no timeouts
            if any(k in ctx.text for k in TIMEOUT_KEYS):
                continue
            ctx.examine(RULE)
            yield RULE.hit(call, f"nodemailer transport built from the URL in `{text(options)[:40]}` with no "
                           "connectionTimeout/socketTimeout: a slow relay holds each mail-sending request for minutes")
            continue
        if options.type == "member_expression" and any(w in text(options).lower() for w in ("mail", "smtp")):
            # `createTransport(config.email.smtp)`: options built in a settings module; none of the
            # timeout keys appears here, so they are (almost always) set nowhere
            if text(options) in seen or any(k in ctx.text for k in TIMEOUT_KEYS):
                continue
            seen.add(text(options))
            ctx.examine(RULE)
            yield RULE.hit(
                call,
                f"nodemailer transport built from `{text(options)[:40]}` with no connectionTimeout/socketTimeout: "
                "a slow relay holds each mail-sending request for minutes",
            )
            continue
        if options.type == "identifier":
            if text(options) in seen:
                continue  # the same options rebuilt into a second transport: one finding
            seen.add(text(options))
            options = _local_object(text(options), call)
        if options is None or options.type != "object":
            continue
        if any(c.type == "spread_element" for c in options.named_children) and any(k in ctx.text for k in TIMEOUT_KEYS):
            continue  # spread defaults from a file that does name timeouts: they may be in there
        if not any(js.object_has_key(options, k) for k in ("host", "service", "url")):
            continue
        if any(_names_key(options, k) for k in NOT_SMTP_KEYS):
            continue
        ctx.examine(RULE)
        if not any(_names_key(options, k) for k in TIMEOUT_KEYS):
            yield RULE.hit(
                call,
                "nodemailer SMTP transport without connectionTimeout/socketTimeout: a slow relay holds each mail-sending request for minutes",
            )


PY_MESSAGE = "{what} with no timeout: a slow or silent mail server holds the worker (and the request waiting on it) indefinitely"


# Standard-library mail clients: the position of `timeout` among their arguments. Without it the
# socket blocks with the process default (none).
PY_MAIL_CLIENTS = {
    "smtplib.SMTP": 3, "smtplib.SMTP_SSL": 3, "smtplib.LMTP": 3,
    "imaplib.IMAP4": 2, "imaplib.IMAP4_SSL": 5, "poplib.POP3": 2, "poplib.POP3_SSL": 4,
}


@RULE.on_python(ast.Call, calls=["SMTP", "SMTP_SSL", "LMTP", "IMAP4", "IMAP4_SSL", "POP3", "POP3_SSL", "send", "send_message"],
                skip_file=in_test_file)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    name = ctx.call_name(node) or ""
    position = PY_MAIL_CLIENTS.get(name)
    if position is not None:
        ctx.examine(RULE)
        if pyast.keyword(node, "timeout") is None and len(node.args) <= position and not pyast.has_splat(node):
            yield RULE.hit(node, PY_MESSAGE.format(what=f"{name}()"))
        return
    owner = name.rsplit(".", 1)[0] if "." in name else ""
    if name.split(".")[-1] in {"send", "send_message"} and "mail" in owner.lower() and "flask_mail" in " ".join(ctx.imports.values()):
        ctx.examine(RULE)
        yield RULE.hit(node, PY_MESSAGE.format(what=f"Flask-Mail {name}() opens an SMTP connection"))


# net/smtp and emersion/go-smtp dial with net.Dial (no deadline); jordan-wright/email's Send goes
# through net/smtp.SendMail. The package may be imported under another name (gosmtp "net/smtp").
GO_SMTP_PACKAGES = frozenset({"net/smtp", "github.com/emersion/go-smtp"})
GO_SMTP_FUNCS = frozenset({"SendMail", "Dial", "DialTLS", "DialStartTLS"})
JORDAN_SEND = frozenset({"Send", "SendWithTLS", "SendWithStartTLS"})


def _go_smtp_candidate(callee: str) -> bool:
    return callee.rpartition(".")[2] in GO_SMTP_FUNCS or callee.rpartition(".")[2] in JORDAN_SEND


def _go_smtp_dial(name: str, ctx: TreeContext) -> bool:
    """An SMTP dial with no deadline: net/smtp's own, or crypto/tls.Dial in a file that speaks SMTP."""
    package, _, function = name.partition(".")
    imported = ctx.imports.get(package, "")
    if imported in GO_SMTP_PACKAGES:
        return function in GO_SMTP_FUNCS
    # tls.Dial has no timeout (tls.DialWithDialer takes one); for implicit-TLS SMTP (port 465)
    return imported == "crypto/tls" and function == "Dial" and "net/smtp" in ctx.imports.values()


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=_go_smtp_candidate, skip_file=in_test_path)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or in_test_path(ctx):
        return
    name = go.callee(node)
    if _go_smtp_dial(name, ctx):
        ctx.examine(RULE)
        yield RULE.hit(node, f"{name}() has no timeout or context: a slow or blackholed relay blocks the calling goroutine indefinitely")
    elif name.rpartition(".")[2] in JORDAN_SEND and "github.com/jordan-wright/email" in ctx.imports.values() \
            and len(go.call_args(node)) >= 2:
        ctx.examine(RULE)
        yield RULE.hit(node, f"{name}() (jordan-wright/email, over net/smtp) has no timeout: a slow relay blocks the calling goroutine indefinitely")


def _no_django_mail(ctx: PyContext) -> bool:
    return is_script_like(ctx) or ("EMAIL_HOST" not in ctx.text and "smtp.EmailBackend" not in ctx.text) \
        or not django.is_settings_module(ctx)


@RULE.on_python(ast.Module, skip_file=_no_django_mail)
def check_django(node: ast.Module, ctx: PyContext) -> Iterator[Hit]:
    """Django settings that send mail over SMTP with EMAIL_TIMEOUT unset (Django's default: None)."""
    if _no_django_mail(ctx):
        return
    for statement in ast.walk(node):
        if not isinstance(statement, ast.Assign) or pyast.enclosing_function(statement) is not None:
            continue
        names = [t.id for t in statement.targets if isinstance(t, ast.Name)]
        if "EMAIL_HOST" in names:
            ctx.examine(RULE)
            if "EMAIL_TIMEOUT" not in ctx.text:
                yield RULE.hit(statement, "Django sends mail over SMTP with EMAIL_TIMEOUT unset (default None): a slow or silent "
                               "relay holds the request or worker that sends the mail for ever")
        elif isinstance(statement.value, ast.Dict):
            # a mailer table ({"BACKEND": "...smtp.EmailBackend", "OPTIONS": {...}}) handed to a mail helper
            for entry in [statement.value, *[v for v in statement.value.values if isinstance(v, ast.Dict)]]:
                fields = {k.value: v for k, v in zip(entry.keys, entry.values, strict=False) if isinstance(k, ast.Constant)}
                if "smtp.EmailBackend" not in (pyast.const_str(fields.get("BACKEND")) or ""):
                    continue
                ctx.examine(RULE)
                options = fields.get("OPTIONS")
                if isinstance(options, ast.Dict) and not any(
                    isinstance(k, ast.Constant) and k.value == "timeout" for k in options.keys
                ) and None not in options.keys:
                    yield RULE.hit(options, "SMTP EmailBackend OPTIONS set no timeout (Django's default: None): a slow or silent "
                                   "relay holds the sender for ever")
