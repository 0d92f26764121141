"""Retry loop without backoff or without a limit.

## What it does
Flags hand-written retry loops — a `for`/`while` loop whose body catches an exception and then
`continue`s or loops again — that never sleep between attempts (tight loop), and `while True`
retry loops with no attempt counter or deadline. In Go, a `goto Retry` back to a label, or a
`for` loop over an attempt counter (`retry`, `attempt`, `tries`) that resends without `time.Sleep`,
a backoff helper or a ticker.

## Why it matters in production
A tight retry loop turns one failing dependency into a self-inflicted denial of service: every
client hammers the database or API the moment it struggles, and CPU spins. A retry without a limit
never gives up, so requests hang and queues back up.

## Example
```python
for attempt in range(5):
    try:
        return client.send(batch)
    except ConnectionError:
        continue
```

## Use instead
```python
@tenacity.retry(stop=stop_after_attempt(5), wait=wait_exponential_jitter(initial=0.1, max=5),
                retry=retry_if_exception_type(ConnectionError))
def send(batch): return client.send(batch)
```

## Known limitations
Backoff done by the called function itself is not seen.

## References
- https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
- https://tenacity.readthedocs.io/
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import python as pyast
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RT-001",
    name="retry-without-backoff",
    category=Category.RETRIES,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.GO}),
    fix="Retry a bounded number of times with exponential backoff and jitter (e.g. tenacity), only on transient errors.",
    references=("https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/",),
)
WAITS = {"sleep", "wait", "wait_for", "backoff", "jitter"}


def _retrying_try(loop: ast.For | ast.While) -> ast.Try | None:
    """A try directly in the loop whose handler swallows and loops again (continue / pass / log)."""
    for stmt in loop.body:
        if isinstance(stmt, ast.Try) and stmt.handlers:
            body_returns = any(
                isinstance(n, ast.Return | ast.Break) for s in stmt.body + stmt.orelse for n in ast.walk(s)
            )
            handler_exits = any(
                isinstance(n, ast.Raise | ast.Return | ast.Break)
                for h in stmt.handlers
                for s in h.body
                for n in ast.walk(s)
            )
            if body_returns and not handler_exits:
                return stmt
    return None


@RULE.on_python(ast.For, ast.While, skip_file=in_test_file)
def check(loop: ast.For | ast.While, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    if isinstance(loop, ast.For) and not (
        isinstance(loop.iter, ast.Call)
        and (pyast.dotted(loop.iter.func) or "") in {"range", "itertools.count", "count"}
    ):
        return  # iterating alternatives (candidates, templates, hosts) is not retrying
    attempt = _retrying_try(loop)
    if attempt is None:
        return
    ctx.examine(RULE)
    waits = any(
        isinstance(n, ast.Call) and (pyast.dotted(n.func) or "").split(".")[-1] in WAITS
        for s in loop.body
        for n in ast.walk(s)
    )
    if not waits:
        yield RULE.hit(
            loop,
            "retry loop without any wait between attempts: a failing dependency gets hammered",
            anchor=pyast.anchor_of(loop),
        )
        return
    if isinstance(loop, ast.While) and isinstance(loop.test, ast.Constant) and loop.test.value is True:
        counts = any(isinstance(n, ast.AugAssign) for s in loop.body for n in ast.walk(s))
        # `if time.monotonic() - started > timeout: raise ...` beside the try is a deadline.
        gives_up = any(
            isinstance(n, ast.Raise | ast.Return | ast.Break)
            for s in loop.body if s is not attempt
            for n in ast.walk(s)
        )
        if not counts and not gives_up:
            yield RULE.hit(
                loop,
                "retry loop with no attempt limit or deadline: it never gives up",
                anchor=pyast.anchor_of(loop),
            )


# ---------------------------------------------------------------- Go

GO_WAITS = lazy_compile(r"time\.(Sleep|After|NewTimer|NewTicker|Tick)\(|[Bb]ackoff|\.Wait\(ctx|jitter|retry\.Do|Delay", re.I)
GO_RETRY_COUNTER = lazy_compile(r"(?i)\b\w*(retr(y|ies)|attempts?|tries)\w*\b")


@RULE.on_tree("goto_statement", languages=(Language.GO,), skip_file=in_test_code)
def check_go_goto(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    label = text(node).split()[-1] if text(node).split() else ""
    if not re.match(r"(?i)retry|again|resend", label) or in_test_code(ctx):
        return
    function = go.enclosing_function(node)
    ctx.examine(RULE)
    if function is None or GO_WAITS.search(text(function)):
        return
    yield RULE.hit(node, f"`goto {label}` resends at once: no backoff between attempts, so a struggling upstream is hit again immediately")


@RULE.on_tree("for_statement", languages=(Language.GO,), skip_file=in_test_code)
def check_go_loop(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    clause = next((c for c in node.named_children if c.type == "for_clause"), None)
    condition = text(clause) if clause is not None else ""
    if not GO_RETRY_COUNTER.search(condition) or in_test_code(ctx):
        return
    body = text(field(node, "body"))
    if not re.search(r"\berr\b", body):
        return  # a loop over a counter that does not handle failures is not a retry
    ctx.examine(RULE)
    if GO_WAITS.search(body):
        return
    yield RULE.hit(node, "retry loop without any wait between attempts: a failing dependency is hammered in a tight loop")
