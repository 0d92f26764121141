"""Debug behaviour hard-coded in a Node service (JS/TS).

## What it does
Flags debug settings that are on regardless of the environment: `process.env.NODE_ENV =
"development"` set in code, `app.set("env", "development")`, `mongoose.set("debug", true)`,
the `errorhandler()` development middleware mounted unconditionally, and error responses that
send `err.stack` to the client outside a development check.

## Why it matters in production
Development mode disables Express view caching and turns on verbose error pages; stack traces in
responses reveal file paths, library versions and query text to anyone who triggers an error, and
query debugging floods the logs with every statement and its parameters.

## Example
```js
app.use((err, req, res, next) => res.status(500).json({ message: err.message, stack: err.stack }));
```

## Use instead
```js
app.use((err, req, res, next) => {
  logger.error({ err }, "unhandled error");
  res.status(500).json({ message: "internal error" });
});
```

## Known limitations
A development check done far from the response (a flag computed elsewhere) may not be recognised.

## References
- https://expressjs.com/en/advanced/best-practice-performance.html#set-node_env-to-production
- https://expressjs.com/en/guide/error-handling.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, field, string_value, text, walk
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-001",
    name="debug-enabled",
    aliases=("PR-CF-101", "js-debug-hardcoded"),
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Drive debug behaviour from NODE_ENV/LOG_LEVEL set by the deployment, off by default; never send stack traces to clients.",
    references=(
        "https://expressjs.com/en/advanced/best-practice-performance.html#set-node_env-to-production",
    ),
)
LANGS = (Language.JAVASCRIPT, Language.TYPESCRIPT)
DEV_GUARD = lazy_compile(r"(?i)(NODE_ENV|isDev|isProd|development|production|\bdebug\b|isLocal|env\s*===?)")


def _guarded(node: Any) -> bool:
    for anc in ancestors(node):
        if anc.type in {"if_statement", "ternary_expression"}:
            condition = field(anc, "condition")
            if condition is not None and DEV_GUARD.search(text(condition)):
                return True
        if (
            anc.type == "binary_expression"
            and text(field(anc, "operator")) in {"&&", "||"}
            and DEV_GUARD.search(text(field(anc, "left")))
        ):
            return True
        if anc.type == "pair" and DEV_GUARD.search(text(anc)[:120]) and anc != node.parent:
            return True
    return False


def _guarded_within(node: Any, stop: Any) -> bool:
    for anc in ancestors(node):
        if anc == stop:
            return False
        if anc.type == "ternary_expression" and DEV_GUARD.search(text(field(anc, "condition"))):
            return True
        if (
            anc.type == "binary_expression"
            and text(field(anc, "operator")) in {"&&", "||"}
            and DEV_GUARD.search(text(field(anc, "left")))
        ):
            return True
    return False


def _skip(ctx: TreeContext) -> bool:
    return ctx.is_test_file or bool(js.SCRIPT_PATH.search(ctx.path))


def _no_node_env(ctx: TreeContext) -> bool:
    """skip_file=: check_node_env needs a left side naming NODE_ENV, a piece of the file's text."""
    return "NODE_ENV" not in ctx.text


@RULE.on_tree("assignment_expression", languages=LANGS, skip_file=_no_node_env)
def check_node_env(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if text(field(node, "left")) not in {"process.env.NODE_ENV", 'process.env["NODE_ENV"]'} or _skip(ctx):
        return
    ctx.examine(RULE)
    value = string_value(field(node, "right"))
    if value in {"development", "dev", "debug"} and not _guarded(node):
        yield RULE.hit(node, f'NODE_ENV forced to "{value}" in code')


@RULE.on_tree("call_expression", languages=LANGS, callee=lambda name: name.endswith((".set", ".use")) or name.split(".")[-1] in {"json", "send"})
def check_calls(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = js.callee(node)
    arguments = js.args(node)
    if _skip(ctx):
        return
    if name.endswith(".set") and len(arguments) >= 2:
        key = string_value(arguments[0])
        owner = name[: -len(".set")]
        if (
            key == "debug"
            and ctx.imports.get(owner, "").split("#")[0] == "mongoose"
            and text(arguments[1]) == "true"
        ):
            ctx.examine(RULE)
            if not _guarded(node):
                yield RULE.hit(node, "mongoose debug logging is always on")
        elif key == "env" and string_value(arguments[1]) == "development":
            ctx.examine(RULE)
            if not _guarded(node):
                yield RULE.hit(node, 'app.set("env", "development") hard-codes development mode')
        return
    if name.endswith(".use") and arguments and arguments[0].type == "call_expression":
        inner = js.callee(arguments[0])
        if ctx.imports.get(inner, "").split("#")[0] == "errorhandler":
            ctx.examine(RULE)
            if not _guarded(node):
                yield RULE.hit(
                    node,
                    "errorhandler() (development error pages with stack traces) mounted in every environment",
                )
        return
    if (
        name.split(".")[-1] in {"json", "send"}
        and arguments
        and re.search(r"\b\w+\.stack\b", text(arguments[0]))
    ):
        if not js.is_server_file(ctx):
            return
        ctx.examine(RULE)
        stacks = [
            m for m in walk(arguments[0], "member_expression") if text(field(m, "property")) == "stack"
        ]
        if _guarded(node) or all(_guarded_within(m, node) for m in stacks):
            return
        yield RULE.hit(node, "error response sends the stack trace to the client")
