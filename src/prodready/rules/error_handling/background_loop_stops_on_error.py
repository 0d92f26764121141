"""Background loop that stops for good on its first error (JavaScript)

## What it does
Flags an endless polling loop — `while (true)` / `for (;;)` in an async JS/TS function — that
waits between rounds (`await sleep(...)`, `setTimeout`) and awaits its work outside any `try`
inside the loop. A `try` around the whole loop does not count: the loop still ends at the first
error. (Python worker loops are PR-PM-002's.)

## Why it matters in production
The loop is a worker: it archives, indexes, polls feeds, purges rows. One transient failure — the
database restarting, a lock timeout, a network blip — throws out of the loop and the work stops
until the next deploy, while the process (and its health check) keeps running. In Node the
rejection of the un-awaited worker function can also take the whole process down.

## Example
```ts
export async function startRSSPolling() {
  while (true) {
    const subscriptions = await prisma.rssSubscription.findMany();
    await pollAll(subscriptions);
    await delay(60_000);
  }
}
```

## Use instead
```ts
export async function startRSSPolling() {
  while (true) {
    try {
      await pollAll(await prisma.rssSubscription.findMany());
    } catch (err) {
      logger.error({ err }, "RSS polling round failed");
    }
    await delay(60_000);
  }
}
```

## Known limitations
Loops whose exit condition is a flag (`while (running)`) are not read; neither are rounds that
hand their work to a function which catches its own errors (it is still reported when the call
is outside a `try`).

## References
- https://nodejs.org/api/process.html#event-unhandledrejection
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-213",
    name="background-loop-stops-on-error",
    aliases=("PR-EH-115", "js-background-loop-stops-on-error"),
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Catch and log each round's error inside the loop (with a backoff if it repeats) so the next round still runs.",
    references=(
        "https://nodejs.org/api/process.html#event-unhandledrejection",
    ),
)

JS_WAIT = lazy_compile(r"\b(sleep|delay|wait|setTimeout|setTimeoutPromise|timeout)\w*\s*\(")
MESSAGE = "endless worker loop with no error handling inside: the first failed round ({what}) ends it for good"


def _js_endless(loop: Any) -> bool:
    if loop.type == "while_statement":
        condition = text(field(loop, "condition")).strip("() ")
        return condition in ("true", "1", "!0")
    if loop.type == "for_statement":
        return field(loop, "condition") is None and field(loop, "initializer") is None
    return False


def _inside_try_within(node: Any, loop: Any) -> bool:
    """A `try` (or a `.catch(...)` chain) between the node and the loop guards this round."""
    for ancestor in ancestors(node):
        if ancestor.id == loop.id:
            return False
        if ancestor.type == "try_statement":
            return True
        if ancestor.type == "call_expression" and text(field(ancestor, "function")).endswith(".catch"):
            return True
    return False


JS_SCOPES = frozenset({"while_statement", "for_statement", "for_in_statement", "do_statement", "function_declaration",
                       "function_expression", "arrow_function", "method_definition", "function", "switch_statement"})


def _js_leaves(loop: Any) -> bool:
    """A `return` or `break` that ends this very loop."""
    for exit_node in (*descendants(loop, "return_statement"), *descendants(loop, "break_statement")):
        owner = next((a for a in ancestors(exit_node) if a.type in JS_SCOPES), None)
        if owner is not None and owner.id == loop.id:
            return True
    return False


@RULE.on_tree("while_statement", "for_statement", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path) or not _js_endless(node):
        return
    function = js.enclosing_function(node)
    if function is None or not text(function).lstrip().startswith(("async", "export async")) and "async" not in text(function)[:40]:
        return
    body = field(node, "body")
    if body is None or not JS_WAIT.search(text(body)) or _js_leaves(node):
        return  # no pause between rounds (a consumer loop), or a wait/retry loop that ends
    ctx.examine(RULE)
    for awaited in descendants(body, "await_expression"):
        owner = js.enclosing_function(awaited)
        if owner is None or owner.id != function.id or _inside_try_within(awaited, node):
            continue
        what = text(awaited)[6:46].split("(")[0].strip()
        if JS_WAIT.search(text(awaited)):
            continue  # the pause itself does not fail
        line = awaited.start_point[0] + 1
        hit = RULE.hit(node, MESSAGE.format(what=f"`await {what}(...)` on line {line}"))
        yield replace(hit, related=((line, "the first unguarded call"),))
        return
