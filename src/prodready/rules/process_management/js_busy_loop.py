"""Endless loop with no await, sleep or exit (JS/TS busy loop).

## What it does
Flags `while (true)`, `while (1)` and `for (;;)` loops in JavaScript/TypeScript whose body has no
`await`, `yield`, `break`, `return` or `throw`: nothing ever gives the event loop back or leaves
the loop.

## Why it matters in production
Node runs all requests on one thread: a loop that never awaits pins a CPU at 100% and freezes
every request, timer and health check of the process until it is killed.

## Example
```js
while (true) {
  if (jobs.length) process(jobs.shift());
}
```

## Use instead
```js
while (!stopping) {
  const job = await queue.next();          // or: await setTimeout(1000)
  await process(job);
}
```

## Known limitations
A loop that exits through a function it calls (process.exit in a callee) is still reported.

## References
- https://nodejs.org/en/learn/asynchronous-work/dont-block-the-event-loop
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang.treesitter import descendants, field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-PM-001",
    name="busy-loop",
    aliases=("PR-PM-102", "js-busy-loop"),
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Await something inside the loop (a queue, a timer from timers/promises) and give it an exit condition.",
    references=("https://nodejs.org/en/learn/asynchronous-work/dont-block-the-event-loop",),
)
LANGS = (Language.JAVASCRIPT, Language.TYPESCRIPT)
FUNCTIONS = {
    "function_declaration",
    "function_expression",
    "arrow_function",
    "method_definition",
    "function",
    "generator_function_declaration",
}
BREAKABLE = {"switch_statement", "while_statement", "for_statement", "for_in_statement", "do_statement"}
EXITS = ("await_expression", "yield_expression", "break_statement", "return_statement", "throw_statement")


def _forever(node: Any) -> bool:
    if node.type == "while_statement":
        condition = text(field(node, "condition")).strip("() \n")
        return condition in {"true", "1", "!0"}
    if node.type == "for_statement":
        return field(node, "condition") is None or text(field(node, "condition")).strip("; ") in {"", "true"}
    return False


def _exits(body: Any) -> bool:
    for node in descendants(body, *EXITS):
        inner = node.parent
        nested = False
        while inner is not None and inner != body:
            if inner.type in FUNCTIONS:
                nested = True  # an exit inside a callback defined in the loop does not leave the loop
                break
            if node.type == "break_statement" and field(node, "label") is None and inner.type in BREAKABLE:
                nested = True  # breaks an inner loop or switch only
                break
            inner = inner.parent
        if not nested:
            return True
    return "process.exit" in text(body)


@RULE.on_tree("while_statement", "for_statement", languages=LANGS)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or not _forever(node):
        return
    ctx.examine(RULE)
    body = field(node, "body")
    if body is None or _exits(body):
        return
    yield RULE.hit(node, "endless loop never awaits or exits: it blocks the event loop")
