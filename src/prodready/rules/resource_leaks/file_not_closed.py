"""File or connection opened and never closed.

## What it does
Flags `f = open(...)` inside a function when the file is not used in a `with` block, not closed
(`f.close()`), not returned or stored for later, in service code. The same for the standard
library's and the common drivers' network connections opened per call: SMTP, IMAP, POP3 and FTP
sessions (`quit()`/`logout()`/`close()`), python-ldap and ldap3 connections (`unbind_s()`/`unbind()`),
and DB-API connections (`sqlite3.connect`, `psycopg2.connect`, `pymysql.connect`...).

## Why it matters in production
Each call leaks a file descriptor until the garbage collector happens to run. A long-running
service under load hits the process limit ("Too many open files"), after which every socket
accept, log write and file read fails. Buffered writes may never reach disk.

## Example
```python
handle = open("/var/log/shop/audit.log", "a")
handle.write(line)
```

## Use instead
```python
with open("/var/log/shop/audit.log", "a") as handle:
    handle.write(line)
```

## Known limitations
A connection closed on the success path but not on an early return is not reported here (see
PR-RL-007 for closes outside a finally). Files closed in another function are not followed (the object is treated as escaping only when it
is returned or stored).

## References
- https://docs.python.org/3/tutorial/inputoutput.html#reading-and-writing-files
- https://docs.astral.sh/ruff/rules/open-file-with-context-handler/
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta
from prodready.rules.resource_leaks._leaks import assigned_local, escapes_or_released, in_with

RULE = RuleMeta(
    id="PR-RL-001",
    name="file-not-closed",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Open files in a with block so they are closed on every path.",
    references=("https://docs.python.org/3/tutorial/inputoutput.html#reading-and-writing-files",),
)


# Connections opened per call, and the methods that end them.
CONNECTIONS = {
    "smtplib.SMTP": "SMTP", "smtplib.SMTP_SSL": "SMTP", "smtplib.LMTP": "SMTP",
    "imaplib.IMAP4": "IMAP", "imaplib.IMAP4_SSL": "IMAP", "poplib.POP3": "POP3", "poplib.POP3_SSL": "POP3",
    "ftplib.FTP": "FTP", "ftplib.FTP_TLS": "FTP",
    "ldap.initialize": "LDAP", "ldap3.Connection": "LDAP",
    "sqlite3.connect": "database", "psycopg2.connect": "database", "psycopg.connect": "database",
    "pymysql.connect": "database", "MySQLdb.connect": "database", "mysql.connector.connect": "database",
}
RELEASES = {"close", "quit", "logout", "unbind", "unbind_s", "unbind_ext_s", "disconnect", "__exit__"}


def _connection(name: str) -> str | None:
    if name in CONNECTIONS:
        return CONNECTIONS[name]
    if name.endswith((".ldap.initialize", ".ldap3.Connection")):  # a module kept on the instance
        return "LDAP"
    return None


@RULE.on_python(
    ast.Call,
    calls=["SMTP", "SMTP_SSL", "LMTP", "IMAP4", "IMAP4_SSL", "POP3", "POP3_SSL", "FTP", "FTP_TLS", "initialize",
           "Connection", "connect"],
    skip_file=is_script_like,
)
def check_connection(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    kind = _connection(ctx.call_name(node) or "")
    if kind is None or is_script_like(ctx):
        return
    func = pyast.enclosing_function(node)
    if func is None or in_with(node):
        return
    name = assigned_local(node)
    if name is None or "." in name:
        return
    ctx.examine(RULE)
    if not escapes_or_released(func, name, RELEASES):
        yield RULE.hit(
            node,
            f"{kind} connection `{name}` opened in {func.name}() is never closed: every call leaves a socket "
            "(and a session on the server) behind",
            anchor=func.name,
        )


@RULE.on_python(ast.Call, calls=["open"], skip_file=is_script_like)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if not (isinstance(node.func, ast.Name) and node.func.id == "open") and ctx.call_name(node) not in {
        "io.open",
        "codecs.open",
    }:
        return
    func = pyast.enclosing_function(node)
    if func is None or in_with(node) or is_script_like(ctx):
        return
    name = assigned_local(node)
    if name is None or "." in name:
        return
    ctx.examine(RULE)
    if not escapes_or_released(func, name, {"close"}):
        yield RULE.hit(
            node,
            f"`{name}` = open(...) in {func.name}() is never closed (use `with open(...)`)",
            anchor=func.name,
        )
