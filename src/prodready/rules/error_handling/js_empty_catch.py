"""JavaScript error swallowed by an empty catch.

## What it does
Flags `catch (e) {}` blocks with no statements and no explanatory comment, and promise handlers
that drop the error: `.catch(() => {})`, `.catch(() => null)`, `.catch(() => undefined)`,
`.catch(noop)`.

## Why it matters in production
The operation failed and nobody will ever know: the request returns success with missing data,
the job is marked done, and the logs are clean. Seed 000 searched for exactly these.

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
from prodready.lang.treesitter import field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-101",
    name="js-empty-catch",
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
    if ctx.is_test_file:
        return
    ctx.examine(RULE)
    body = field(node, "body")
    if body is not None and not body.named_children:
        yield RULE.hit(node, "empty catch block swallows the error")


@RULE.on_tree("call_expression", languages=LANGS)
def check_promise(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    parts = js.member_parts(field(node, "function"))
    if parts is None or parts[1] != "catch" or ctx.is_test_file:
        return
    arguments = js.args(node)
    if not arguments:
        return
    ctx.examine(RULE)
    handler = arguments[0]
    if handler.type in {"arrow_function", "function_expression", "function"}:
        body = field(handler, "body")
        if body is not None and (" ".join(text(body).split()) in SILENT):
            yield RULE.hit(node, ".catch() handler drops the error")
    elif text(handler) in {"noop", "_.noop", "() => {}"}:
        yield RULE.hit(node, ".catch(noop) drops the error")
