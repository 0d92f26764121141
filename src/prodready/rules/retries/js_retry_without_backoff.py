"""Retry loop with no backoff or no attempt limit (JS/TS).

## What it does
Flags loops that retry an operation — a `try`/`catch` inside a `for`/`while` loop whose counter
or names say retry/attempt/tries — when nothing waits between attempts (no `await sleep(...)`,
`setTimeout`, `delay`, `backoff`), and `while (true)` retry loops whose `catch` never gives up
(no `throw`, `break` or `return`, no attempt counter).

## Why it matters in production
Retrying immediately turns one failing dependency into a retry storm: every caller multiplies its
load at the moment the dependency is weakest, and a loop with no limit never reports the failure
and holds the request (or the worker) forever.

## Example
```js
for (let attempt = 0; attempt < 5; attempt++) {
  try { return await client.send(msg); } catch (err) { lastError = err; }
}
```

## Use instead
```js
for (let attempt = 0; attempt < 5; attempt++) {
  try { return await client.send(msg); } catch (err) {
    lastError = err;
    await sleep(Math.min(30_000, 2 ** attempt * 200) * (0.5 + Math.random()));
  }
}
throw lastError;
```

## Known limitations
A delay hidden in a helper whose name does not say sleep/delay/wait/backoff is not recognised.

## References
- https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
- https://github.com/tim-kos/node-retry
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang.treesitter import descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RT-001",
    name="retry-without-backoff",
    aliases=("PR-RT-101", "js-retry-without-backoff"),
    category=Category.RETRIES,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Wait with exponential backoff and jitter between attempts, cap the attempts, and rethrow the last error.",
    references=("https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/",),
)
LANGS = (Language.JAVASCRIPT, Language.TYPESCRIPT)
LOOPS = ("for_statement", "while_statement", "do_statement")
RETRY_WORDS = lazy_compile(r"(?i)(retr(y|ies)|attempt|tries|tryCount)")
CONFLICT = lazy_compile(
    r"(?i)(unique|constraint|conflict|deadlock|serializ|optimistic|version ?mismatch|write ?conflict|P2034|40001|40P01)"
)
WAIT = lazy_compile(r"(?i)\b\w*(sleep|delay|wait|backoff|settimeout|pause)\w*\s*\(")


def _forever(loop: Any) -> bool:
    condition = field(loop, "condition")
    if loop.type == "for_statement":
        return condition is None or text(condition).strip("; ") in {"", "true"}
    return text(condition).strip("() \n") in {"true", "1"}


def _retry_try(loop: Any) -> Any | None:
    body = field(loop, "body")
    if body is None:
        return None
    for stmt in descendants(body, "try_statement"):
        owner = stmt.parent
        while (
            owner is not None
            and owner.type not in LOOPS
            and owner.type
            not in {"function_declaration", "arrow_function", "function_expression", "method_definition"}
        ):
            owner = owner.parent
        if owner == loop and field(stmt, "handler") is not None:
            return stmt
    return None


def _gives_up(handler: Any) -> bool:
    return any(
        True for _ in descendants(handler, "throw_statement", "break_statement", "return_statement")
    ) or "process.exit" in text(handler)


@RULE.on_tree(*LOOPS, languages=LANGS)
def check(loop: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    attempt = _retry_try(loop)
    if attempt is None:
        return
    header = text(loop)[: text(loop).find("{") if "{" in text(loop) else 80]
    loop_text = text(loop)
    body = field(attempt, "body")
    if body is None or not any(True for _ in descendants(body, "await_expression")):
        return  # synchronous work retried (parsing), not a remote call
    forever = _forever(loop)
    succeeds_out = any(True for _ in descendants(body, "return_statement", "break_statement"))
    if not RETRY_WORDS.search(loop_text) and not (forever and succeeds_out):
        return
    ctx.examine(RULE)
    handler = field(attempt, "handler")
    if (
        forever
        and handler is not None
        and not _gives_up(handler)
        and not RETRY_WORDS.search(header + text(handler))
    ):
        yield RULE.hit(loop, "retry loop has no attempt limit: a permanent failure retries forever")
        return
    if handler is not None and CONFLICT.search(text(handler)):
        return  # optimistic-concurrency retries (unique violation, deadlock) are meant to re-run at once
    if not WAIT.search(loop_text):
        yield RULE.hit(loop, "retry loop retries immediately: no backoff between attempts")
