"""JavaScript error swallowed by an empty catch.

## What it does
Flags `catch (e) {}` blocks with no statements and no explanatory comment, a catch that only
returns a default (`return null`) after awaiting a cache, database or peer call, and promise handlers
that drop the error: `.catch(() => {})`, `.catch(() => null)`, `.catch(() => undefined)`,
`.catch(noop)`.

## Why it matters in production
The operation failed and nobody will ever know: the request returns success with missing data, the
job is marked done, and the logs are clean.

## Example
```ts
try { await saveOrder(order) } catch (e) {}
fetch(url).catch(() => {})
```

## Use instead
```ts
try { await saveOrder(order) } catch (err) {
  logger.error({ err }, "saving order failed"); throw err
}
```

## Known limitations
A catch that only contains a comment is accepted as a deliberate decision.

## References
- https://eslint.org/docs/latest/rules/no-empty
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-001",
    name="exception-swallowed",
    aliases=("PR-EH-101", "js-empty-catch"),
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Log the error with context and rethrow or return an explicit failure.",
    references=("https://eslint.org/docs/latest/rules/no-empty",),
)
LANGS = (Language.JAVASCRIPT, Language.TYPESCRIPT)
SILENT = {"{}", "null", "undefined", "void 0", "false", "[]"}


@RULE.on_tree("catch_clause", languages=LANGS)
def check_catch(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    ctx.examine(RULE)
    body = field(node, "body")
    if body is not None and not body.named_children:
        yield RULE.hit(node, "empty catch block swallows the error")
    elif body is not None and _silent_default(body) and _awaits_dependency(node) and not _in_probe(node):
        yield RULE.hit(node, "the catch returns a default and drops the error: an outage of the dependency the try "
                       "awaits never reaches the logs")


# the try awaits a dependency: a cache, a database, a peer service
DEPENDENCY_AWAIT = lazy_compile(
    r"(?i)\bawait\b[^;\n]*(redis|\bpool\b|\bdb\b|prisma|knex|mongoose|sequelize|\bclient\b|\bfetch\(|axios|\bgot\b|\.query\(|\.find\w*\()"
)
PROBE_NAME = lazy_compile(r"(?i)^(ping|probe|check|is[A-Z_]|has[A-Z_]|health|ready|alive)")


def _silent_default(body: Any) -> bool:
    """The catch body is a single `return null` / `return undefined` / `return false` / `return []` / `return`."""
    statements = body.named_children
    if len(statements) != 1 or statements[0].type != "return_statement":
        return False
    value = statements[0].named_children
    return not value or text(value[0]).strip() in SILENT


def _awaits_dependency(catch: Any) -> bool:
    statement = catch.parent
    block = field(statement, "body") if statement is not None and statement.type == "try_statement" else None
    return block is not None and bool(DEPENDENCY_AWAIT.search(text(block)))


def _in_probe(node: Any) -> bool:
    return bool(PROBE_NAME.search(js.function_name(js.enclosing_function(node))))


CLEANUP = lazy_compile(
    r"(?i)^(close|cleanup|clean|destroy|disconnect|release|end|quit|kill|abort|unlink|rm|rmdir|remove|unsubscribe|stop|terminate|dispose|delete|flush|unwatch|removeItem)\w*$"
)


def _result_used(node: Any) -> bool:
    """`const meta = await load().catch(() => null)`: the caller turns failure into a value it then checks."""
    parent = node.parent
    while parent is not None and parent.type in {"await_expression", "parenthesized_expression"}:
        parent = parent.parent
    return (
        parent is not None and parent.type != "expression_statement"
    )  # only fire-and-forget statements drop it


def _best_effort(node: Any) -> bool:
    """`.catch(() => {})` on a cleanup call (close/unlink/disconnect) or inside `finally`: best effort on purpose."""
    callee_node = field(node, "function")
    promise = field(callee_node, "object") if callee_node is not None else None
    while promise is not None and promise.type == "await_expression":
        promise = promise.named_children[0] if promise.named_children else None
    if promise is not None and promise.type == "call_expression":
        callee_name = js.callee(promise).split(".")[-1]
        if CLEANUP.match(callee_name):
            return True
    return any(a.type == "finally_clause" for a in ancestors(node))


@RULE.on_tree("call_expression", languages=LANGS, callee=lambda name: name.endswith("catch"))
def check_promise(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    parts = js.member_parts(field(node, "function"))
    if parts is None or parts[1] != "catch" or ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    arguments = js.args(node)
    if not arguments:
        return
    ctx.examine(RULE)
    if _best_effort(node) or _result_used(node):
        return
    handler = arguments[0]
    if handler.type in {"arrow_function", "function_expression", "function"}:
        body = field(handler, "body")
        if body is not None and (" ".join(text(body).split()) in SILENT):
            yield _at_catch(node, ".catch() handler drops the error")
    elif text(handler) in {"noop", "_.noop", "() => {}"}:
        yield _at_catch(node, ".catch(noop) drops the error")


def _at_catch(node: Any, message: str) -> Hit:
    """A hit on the `.catch(` itself: in a chain that starts lines above (`axios.get(...)`,
    `.then(...)`, `.catch(() => {})`) the reader looks for the handler, not for the call."""
    member = field(node, "function")
    where = field(member, "property") if member is not None else None
    line = (where or node).start_point.row + 1
    return Hit(line=line, end_line=node.end_point.row + 1, message=message)
