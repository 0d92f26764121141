"""Child process started and never waited on.

## What it does
Flags `subprocess.Popen(...)` whose object is never waited on, communicated with, polled,
terminated or killed in the function, and is not returned or stored (storing only `proc.pid` does
not count). Also flags `terminate()` without a `kill()` fallback after a wait with timeout, and the
opposite: `proc.kill()` (SIGKILL) on a child with no `terminate()` first, which gives the child no
chance to flush, checkpoint or stop its own children (a cancelled training run, an orphaned process
group).

## Why it matters in production
Finished children stay as zombies until the parent reaps them: the process table fills, PIDs run
out, and "Resource temporarily unavailable" follows. Children that ignore SIGTERM keep running
after their job was "cancelled".

## Example
```python
proc = subprocess.Popen(["python", "-m", "app.export", job_id])
jobs[job_id] = {"pid": proc.pid}
```

## Use instead
```python
proc = subprocess.Popen([...])
jobs[job_id] = proc            # reaped by a supervisor: proc.wait(timeout) / terminate() then kill()
```

## Known limitations
Processes reaped by a SIGCHLD handler are not recognised.

## References
- https://docs.python.org/3/library/subprocess.html#popen-objects
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import SCRIPT_DIRS, is_script_like
from prodready.rules.base import RuleMeta
from prodready.rules.resource_leaks._leaks import assigned_local, in_with

RULE = RuleMeta(
    id="PR-PM-003",
    name="popen-never-waited",
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Keep the Popen object, wait() for it with a timeout, and escalate terminate() -> kill() on shutdown.",
    references=("https://docs.python.org/3/library/subprocess.html#popen-objects",),
)

REAPERS = {"wait", "communicate", "poll", "terminate", "kill", "send_signal"}


@RULE.on_python(ast.Call, calls=["Popen", "create_subprocess_exec", "create_subprocess_shell"], skip_file=is_script_like)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.call_name(node) not in {
        "subprocess.Popen",
        "asyncio.create_subprocess_exec",
        "asyncio.create_subprocess_shell",
    }:
        return
    func = pyast.enclosing_function(node)
    if func is None or in_with(node) or is_script_like(ctx):
        return
    local = assigned_local(node)
    if local is None or "." in local:
        return
    ctx.examine(RULE)
    for sub in ast.walk(func):
        if isinstance(sub, ast.Attribute) and pyast.dotted(sub.value) == local and sub.attr in REAPERS:
            return
        if (
            isinstance(sub, ast.Return | ast.Yield)
            and isinstance(sub.value, ast.Name)
            and sub.value.id == local
        ):
            return
        if isinstance(sub, ast.Name) and sub.id == local and isinstance(sub.ctx, ast.Load):
            parent = pyast.parent(sub)
            if not isinstance(parent, ast.Attribute):  # the object itself is handed on or stored
                return
    yield RULE.hit(
        node,
        f"`{local}` child process is never waited on or terminated in {func.name}(): zombies and orphans",
        anchor=func.name,
    )


@RULE.on_python(ast.Call, calls=["terminate"], skip_file=is_script_like)
def check_escalation(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    """terminate() with no kill() anywhere in the module: a child that ignores SIGTERM lives on."""
    if is_script_like(ctx) or not ctx.imports_module("subprocess", "multiprocessing", "asyncio"):
        return
    func = node.func
    if not isinstance(func, ast.Attribute):
        return
    ctx.examine(RULE)
    if any(
        isinstance(call.func, ast.Attribute) and call.func.attr == "kill" for call in ctx.nodes_of(ast.Call)
    ):
        return
    owner = pyast.dotted(func.value) or "process"
    yield RULE.hit(
        node, f"`{owner}.terminate()` with no kill() fallback: a child that ignores SIGTERM keeps running"
    )


PROCESS_NAME = lazy_compile(r"(?i)(^|\.)(proc|process|child|popen|subprocess|worker_process|trainer)$")


def _service_code(ctx: PyContext) -> bool:
    """Not a test or a script directory (a `__main__` guard alone does not make a worker a script)."""
    parts = ctx.path.split("/")
    return not (ctx.is_test_file or any(p in SCRIPT_DIRS for p in parts[:-1]))


@RULE.on_python(ast.Call, calls=["kill"])
def check_kill(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    """`proc.kill()` with no terminate() first: SIGKILL gives the child no chance to clean up."""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr != "kill" or node.args or not _service_code(ctx):
        return
    owner = pyast.dotted(func.value) or ""
    if not PROCESS_NAME.search(owner) or not ctx.imports_module("subprocess", "multiprocessing", "asyncio"):
        return
    enclosing = pyast.enclosing_function(node)
    if enclosing is None:
        return
    ctx.examine(RULE)
    body = ast.unparse(enclosing)
    if re.search(r"\.terminate\(|send_signal\(|SIGTERM|killpg\(|\bterminate_\w*\(", body):
        return  # the escalation: terminate, wait, then kill
    yield RULE.hit(node, f"`{owner}.kill()` sends SIGKILL with no terminate() first: the child cannot flush, checkpoint or reap its own children")
