"""Subprocess waited on without a timeout.

## What it does
Flags `subprocess.run`, `call`, `check_call` and `check_output` without `timeout=`, and
`.communicate()` / `.wait()` without a timeout on a `subprocess.Popen` object, in service code
(scripts, CLIs and tests are skipped).

## Why it matters in production
A child that hangs (a stuck converter, a network tool waiting on a dead host) blocks the request or
worker that waits for it, forever. Repeated, it exhausts the worker pool.

## Example
```python
subprocess.run(["ffmpeg", "-i", src, dst], check=True)
```

## Use instead
```python
subprocess.run(["ffmpeg", "-i", src, dst], check=True, timeout=300)
```

## Known limitations
Wrappers around `subprocess` are not followed. `asyncio.create_subprocess_*` waits are not checked.

## References
- https://docs.python.org/3/library/subprocess.html#subprocess.run
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import assigned_names, has_keyword, is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-004",
    name="subprocess-without-timeout",
    category=Category.TIMEOUTS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Pass timeout= to subprocess.run/communicate/wait and handle subprocess.TimeoutExpired.",
    references=("https://docs.python.org/3/library/subprocess.html#subprocess.run",),
)

WAITING_CALLS = {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output"}


@RULE.on_python(ast.Call, calls=["call", "check_call", "check_output", "communicate", "run", "wait"], skip_file=is_script_like)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node)
    func = node.func
    is_wait = isinstance(func, ast.Attribute) and func.attr in {"communicate", "wait"}
    if name not in WAITING_CALLS and not is_wait:
        return
    if is_script_like(ctx):
        return
    if name in WAITING_CALLS:
        ctx.examine(RULE)
        if not has_keyword(node, "timeout"):
            yield RULE.hit(
                node,
                f"{name}() without timeout: a hung child blocks this worker",
                anchor=pyast.anchor_of(node),
            )
        return
    assert isinstance(func, ast.Attribute)
    owner = pyast.dotted(func.value)
    if owner and owner in assigned_names(ctx, {"subprocess.Popen"}):
        ctx.examine(RULE)
        if not node.args and not has_keyword(node, "timeout"):
            yield RULE.hit(
                node, f"{owner}.{func.attr}() on a Popen without timeout", anchor=pyast.anchor_of(node)
            )
