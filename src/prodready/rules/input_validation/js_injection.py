r"""JavaScript SQL or shell command built from strings.

## What it does
Flags database calls (`query`, `execute`, `$queryRawUnsafe`, `$executeRawUnsafe`, `raw`) whose SQL
is a template literal with substitutions or a concatenation, and `child_process.exec`/`execSync`
with an interpolated command; and `new RegExp(req.query.q)`, a pattern written by the caller.

## Why it matters in production
Request data spliced into SQL rewrites the query; into a shell command it runs arbitrary programs
on the server.

## Example
```ts
await db.query(`SELECT * FROM users WHERE email = '${req.body.email}'`)
exec(`convert ${req.query.file} out.png`)
```

## Use instead
```ts
await db.query("SELECT * FROM users WHERE email = $1", [req.body.email])
execFile("convert", [file, "out.png"])
```

## Known limitations
Tagged templates that parameterise (`sql\`...\``, Prisma `$queryRaw\`...\``) are accepted.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html
- https://nodejs.org/api/child_process.html#child_processexeccommand-options-callback
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.input_validation._js_taint import from_request

RULE = RuleMeta(
    id="PR-IV-101",
    name="js-injection",
    category=Category.INPUT_VALIDATION,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Use parameterised queries and execFile/spawn with an argument array.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html",),
)
SQL = lazy_compile(r"(?i)\b(select|insert|update|delete)\b[\s\S]*\b(from|into|set|where)\b")
DB_METHODS = {"query", "execute", "$queryRawUnsafe", "$executeRawUnsafe", "raw", "unsafe"}


VALUE_BEFORE = lazy_compile(r"""(['"=<>(,]|\b(like|in|values|limit|offset)\b)\s*$""", re.IGNORECASE)


def _value_interpolated(node: Any) -> bool:
    """A substitution/operand sits where SQL expects a value (`= ${id}`, `'${email}'`), not a fragment or identifier."""
    if node.type == "template_string":
        prefix = ""
        for child in node.children:
            if child.type == "template_substitution":
                if VALUE_BEFORE.search(prefix):
                    return True
                prefix = ""
            else:
                prefix += text(child)
        return False
    if node.type == "binary_expression":
        left = field(node, "left")
        right = field(node, "right")
        if left is not None and right is not None and right.type != "string" and left.type == "string":
            return bool(VALUE_BEFORE.search(string_value(left) or ""))
        return any(
            _value_interpolated(c)
            for c in (left, right)
            if c is not None and c.type in {"binary_expression", "template_string"}
        )
    return False


def _dynamic(node: Any) -> bool:
    if node.type == "template_string":
        return any(c.type == "template_substitution" for c in node.children)
    return (
        node.type == "binary_expression"
        and "+" in text(node)
        and not all(c.type == "string" for c in node.named_children)
    )


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda name: name.split(".")[-1] in DB_METHODS or name.split(".")[-1] in {"exec", "execSync"})
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = js.callee(node)
    arguments = js.args(node)
    if not arguments or ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    short = name.split(".")[-1]
    first = arguments[0]
    if short in DB_METHODS and "." in name:
        ctx.examine(RULE)
        if (
            _dynamic(first)
            and SQL.search(text(first))
            and (_value_interpolated(first) or from_request(first, js.enclosing_function(node)))
        ):
            yield RULE.hit(node, f"{short}() runs SQL built from a template/concatenation")
    elif short in {"exec", "execSync"} and ctx.imports.get(
        name.split(".")[0] if "." in name else name, ""
    ).split("#")[0] in {"child_process", "node:child_process"}:
        ctx.examine(RULE)
        if _dynamic(first) and from_request(first, js.enclosing_function(node)):
            yield RULE.hit(node, f"{short}() runs a shell command built from request input")


# ---------------------------------------------------------------- regular expressions from the request

REQUEST_INPUT = lazy_compile(r"^\s*(req|request|ctx\.request)\.(query|body|params)\b")


@RULE.on_tree("new_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=lambda ctx: "RegExp(" not in ctx.text)
def check_regexp(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`new RegExp(req.query.q)`: the caller writes the pattern (regex injection, ReDoS)."""
    constructor = node.child_by_field_name("constructor")
    if constructor is None or text(constructor) != "RegExp" or ctx.is_test_file:
        return
    arguments = node.child_by_field_name("arguments")
    first = next((a for a in arguments.named_children if a.type != "comment"), None) if arguments is not None else None
    if first is None:
        return
    ctx.examine(RULE)
    source = text(first)
    if REQUEST_INPUT.match(source) and not re.search(r"escape|sanitize|quote", source, re.I):
        yield RULE.hit(
            node,
            f"RegExp built from `{source[:40]}`: the caller writes the pattern, so one crafted search "
            "(catastrophic backtracking) pins a CPU core and stalls the event loop",
        )
