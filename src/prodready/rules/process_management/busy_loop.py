"""Busy loop: `while True` that never waits.

## What it does
Flags `while True:` (or `while 1:`) loops whose body never awaits, sleeps, blocks on I/O or a
queue (`sleep`, `wait`, `get`, `recv`, `accept`, `select`, `poll`, `join`, `read`, ...) and never
leaves the loop (`break`, `return`, `raise`). Also flags the loop whose only pause is inside its
`try` (`while True: try: work(); await asyncio.sleep(30) except Exception: log`): when the work keeps
failing, the except path loops again at once.

## Why it matters in production
The loop spins a CPU core at 100% doing nothing useful, starves the other threads (and the event
loop, if it runs there) and burns money. In an `async def` without an await it blocks every other
task forever.

## Example
```python
while True:
    if jobs_pending():
        run_next()
```

## Use instead
```python
while not stop.is_set():
    job = queue.get(timeout=1)      # or: await asyncio.sleep(interval)
```

## Known limitations
A loop whose called functions block internally (your own blocking helper) is reported; suppress
with that reason.

## References
- https://docs.python.org/3/library/threading.html#event-objects
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-PM-001",
    name="busy-loop",
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Block on something (queue.get, event.wait, await asyncio.sleep) inside the loop, and give it a way out.",
    references=("https://docs.python.org/3/library/threading.html#event-objects",),
)

WAITING = {
    "sleep",
    "wait",
    "wait_for",
    "get",
    "recv",
    "recv_into",
    "recvfrom",
    "accept",
    "select",
    "poll",
    "join",
    "read",
    "readline",
    "readlines",
    "receive",
    "receive_json",
    "receive_text",
    "receive_bytes",
    "get_message",
    "listen",
    "xread",
    "xreadgroup",
    "brpop",
    "blpop",
    "bzpopmin",
    "consume",
    "fetch",
    "input",
    "iter_lines",
    "serve_forever",
    "communicate",
    "acquire",
    "getch",
    "next",
    "pull",
    "result",
    "run_until_complete",
    "urlopen",
    "request",
    "post",
    "put",
    "send",
    "sendall",
    "execute",
    "copy",
    "connect",
    "handle_request",
    "process_request",
}


def _is_forever(test: ast.AST) -> bool:
    return isinstance(test, ast.Constant) and test.value in (True, 1)


@RULE.on_python(ast.While, skip_file=in_test_file)
def check(node: ast.While, ctx: PyContext) -> Iterator[Hit]:
    if not _is_forever(node.test) or ctx.is_test_file:
        return
    ctx.examine(RULE)
    for stmt in node.body:
        for sub in [stmt, *pyast.walk_shallow(stmt)]:
            if isinstance(
                sub,
                ast.Await
                | ast.Break
                | ast.Return
                | ast.Raise
                | ast.Yield
                | ast.YieldFrom
                | ast.AsyncFor
                | ast.For
                | ast.With
                | ast.AsyncWith,
            ):
                return
            if isinstance(sub, ast.Call):
                callee = pyast.dotted(sub.func) or ""
                if (
                    callee.split(".")[-1] in WAITING
                    or "." not in callee
                    and callee
                    and callee[0].islower()
                    and callee
                    not in {
                        "print",
                        "len",
                        "str",
                        "int",
                        "isinstance",
                        "range",
                        "min",
                        "max",
                        "bool",
                        "list",
                        "dict",
                        "set",
                    }
                ):
                    return
    yield RULE.hit(node.test, "`while True` never waits or exits: it spins a CPU core")


SLEEPS = frozenset({"sleep", "wait", "wait_for"})


def _sleeps(nodes: list[ast.stmt]) -> bool:
    return any(
        isinstance(sub, ast.Call) and (pyast.dotted(sub.func) or "").split(".")[-1] in SLEEPS
        for stmt in nodes for sub in ast.walk(stmt)
    )


@RULE.on_python(ast.While, skip_file=in_test_file)
def check_sleep_skipped_on_error(node: ast.While, ctx: PyContext) -> Iterator[Hit]:
    """`while True: try: work(); await asyncio.sleep(30) except Exception: log` — the pause is in the
    try, so a failure that repeats (the database is down) makes the loop spin with no pause."""
    if not _is_forever(node.test) or ctx.is_test_file or len(node.body) != 1 or not isinstance(node.body[0], ast.Try):
        return
    attempt = node.body[0]
    if not attempt.body or not _sleeps([attempt.body[-1]]) or attempt.finalbody or _sleeps(attempt.orelse):
        return
    ctx.examine(RULE)
    for handler in attempt.handlers:
        leaves = any(isinstance(sub, ast.Raise | ast.Return | ast.Break) for stmt in handler.body for sub in ast.walk(stmt))
        if leaves or _sleeps(handler.body):
            continue
        yield RULE.hit(handler, "the loop's pause sits inside the try: when the body keeps failing, the except path loops again at once (a hot loop flooding the logs)")
        return
