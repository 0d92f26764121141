"""Shared state mutated from threads without a lock.

## What it does
Flags functions started on other threads — `threading.Thread(target=f)`, `executor.submit(f)`,
`executor.map(f, ...)`, `loop.run_in_executor(None, f)`, `asyncio.to_thread(f)` — that write to
module-level collections (`d[k] = v`, `.append`, `.update`, ...) or rebind `global` names without
holding a lock.

## Why it matters in production
Compound updates are not atomic across threads: check-then-insert, read-modify-write counters and
iteration during mutation ("dictionary changed size during iteration") corrupt state or crash under
load, rarely and unreproducibly.

## Example
```python
_detected = {}

def detect(name):
    _detected[name] = probe(name)

with ThreadPoolExecutor(4) as pool:
    pool.map(detect, names)
```

## Use instead
```python
def detect(name):
    return name, probe(name)

with ThreadPoolExecutor(4) as pool:
    _detected.update(pool.map(detect, names))   # mutate on one thread
```

## Known limitations
Only functions started in the same module are followed.

## References
- https://docs.python.org/3/library/threading.html#lock-objects
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyflow import GROW_METHODS, SHRINK_METHODS, containers, under_lock
from prodready.rules._pyutil import names_absent
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-003",
    name="thread-mutates-shared-state",
    category=Category.CONCURRENCY,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Guard the shared state with a threading.Lock, or return results from workers and merge them on one thread.",
    references=("https://docs.python.org/3/library/threading.html#lock-objects",),
)

THREAD_STARTERS = {"Thread", "submit", "map", "run_in_executor", "to_thread", "start_new_thread", "Timer"}


def _thread_targets(ctx: PyContext) -> set[str]:
    names: set[str] = set()
    for call in ctx.nodes_of(ast.Call):
        func = call.func
        # The last part of an attribute callee's qualified name is its attribute (or there is no
        # name): most calls are ruled out without qualifying them.
        if isinstance(func, ast.Attribute) and func.attr not in THREAD_STARTERS:
            continue
        short = (ctx.call_name(call) or "").split(".")[-1]
        if short not in THREAD_STARTERS:
            continue
        target = pyast.keyword(call, "target")
        candidates = [target.value] if target is not None else list(call.args[:2])
        for candidate in candidates:
            name = pyast.dotted(candidate)
            if name:
                names.add(name.split(".")[-1])
    return names  # (names & background_functions(ctx) | names) is names: the scan is not needed


def _no_thread_starter(ctx: PyContext) -> bool:
    """skip_file=: no call in the file can be a THREAD_STARTERS call (their last names are
    pieces of the text), so _thread_targets finds nothing."""
    return names_absent(ctx, *THREAD_STARTERS)


@RULE.on_python(ast.FunctionDef, skip_file=_no_thread_starter)
def check(node: ast.FunctionDef, ctx: PyContext) -> Iterator[Hit]:
    targets = getattr(ctx, "_pr_thread_targets", None)
    if targets is None:
        targets = _thread_targets(ctx)
        ctx._pr_thread_targets = targets  # type: ignore[attr-defined]
    if node.name not in targets:
        return
    ctx.examine(RULE)
    module_state = {name for name, c in containers(ctx).items() if c.scope == "module"}
    module_state |= {n for stmt in ast.walk(node) if isinstance(stmt, ast.Global) for n in stmt.names}
    for sub in pyast.walk_shallow(node):
        written = None
        if isinstance(sub, ast.Subscript) and isinstance(sub.ctx, ast.Store):
            written = pyast.dotted(sub.value)
        elif (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr in GROW_METHODS | SHRINK_METHODS
        ):
            written = pyast.dotted(sub.func.value)
        elif isinstance(sub, ast.Assign | ast.AugAssign):
            targets_ = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
            globals_ = {n for stmt in ast.walk(node) if isinstance(stmt, ast.Global) for n in stmt.names}
            for target in targets_:
                if isinstance(target, ast.Name) and target.id in globals_:
                    written = target.id
        if written and written in module_state and not under_lock(sub):
            yield RULE.hit(
                sub,
                f"{node.name}() runs on other threads and writes `{written}` without a lock",
                anchor=node.name,
            )
            return
