"""Subprocess waited on without a timeout.

## What it does
Flags `subprocess.run`, `call`, `check_call` and `check_output` without `timeout=`, and
`.communicate()` / `.wait()` without a timeout on a `subprocess.Popen` object, in service code
(scripts, CLIs and tests are skipped). In Node, a child process the service waits for, started with
no `timeout` (and no `signal` to abort it): `execSync`/`execFileSync`/`spawnSync`, `exec`/`execFile`
(callback or promisified), an awaited `spawn` from `promisify-child-process` or
`child-process-promise`, and `execa(...)`; a plain `child_process.spawn(...)` that streams a
long-running process is left alone.

## Why it matters in production
A child that hangs (a stuck converter, a CLI waiting on a stuck daemon, a network tool waiting on a
dead host) blocks the request or worker that waits for it, forever. Repeated, it exhausts the worker
pool; in Node every poll that waits on it adds another stuck child, and the `*Sync` variants also
freeze the event loop for every client while they run.

## Example
```python
subprocess.run(["ffmpeg", "-i", src, dst], check=True)
```

## Use instead
```python
subprocess.run(["ffmpeg", "-i", src, dst], check=True, timeout=300)
```
```js
await childProcessAsync.spawn("docker", ["stats", "--no-stream"], { encoding: "utf-8", timeout: 15_000 });
```

## Known limitations
Wrappers around `subprocess` are not followed. `asyncio.create_subprocess_*` waits are not checked.
Node options built in another function or module are not followed (the call is left alone).

## References
- https://docs.python.org/3/library/subprocess.html#subprocess.run
- https://nodejs.org/api/child_process.html#child_processexeccommand-options-callback
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import descendants, field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import assigned_names, has_keyword, is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-004",
    name="subprocess-without-timeout",
    category=Category.TIMEOUTS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Pass timeout= to subprocess.run/communicate/wait (and handle TimeoutExpired); in Node pass `timeout` or an AbortSignal to every child process the service waits for.",
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


# Node child processes
CHILD_PROCESS = {"child_process", "node:child_process"}
PROMISE_WRAPPERS = {"promisify-child-process", "child-process-promise", "child-process-async"}
EXECA = {"execa"}
# waited for whatever the caller does: the result is the child's whole output
BUFFERED = {"exec", "execFile", "execSync", "execFileSync", "spawnSync"}
ABORTS = ("timeout", "signal", "cancelSignal")


def _module_of(name: str, ctx: TreeContext) -> tuple[str, str]:
    """(module, function) a callee refers to: `cp.execSync` with `import cp from "child_process"`,
    `execSync` with `const { execSync } = require("child_process")`."""
    head, _, tail = name.partition(".")
    source = ctx.imports.get(head, "")
    module, _, export = source.partition("#")
    if tail and "." not in tail:
        return module, tail
    if not tail and export:
        return module, export
    if not tail and module in EXECA:
        return module, "execa"
    return "", ""


def _options(call: Any, kind: str) -> Any:
    """The options object of the call (the last object argument), or None."""
    arguments = js.args(call)
    candidates = [a for a in arguments[1:] if a.type == "object"]
    if candidates:
        return candidates[-1]
    # `execFile(file, args, options, cb)`, `exec(cmd, options)`: options held in a local
    named = [a for a in arguments[1:] if a.type == "identifier" and "option" in text(a).lower() or a.type == "identifier" and kind in {"exec", "execSync"}]
    return named[-1] if named else None


def _awaited(call: Any) -> bool:
    parent = call.parent
    while parent is not None and parent.type in {"parenthesized_expression", "member_expression"}:
        parent = parent.parent
    return parent is not None and parent.type == "await_expression"


def _local_object(name: str, call: Any) -> Any:
    """The value of `const name = ...` in the enclosing function (or the module)."""
    scope = js.enclosing_function(call)
    for declarator in descendants(scope if scope is not None else _root(call), "variable_declarator"):
        if text(field(declarator, "name")) == name:
            return field(declarator, "value")
    return None


def _root(node: Any) -> Any:
    while node.parent is not None:
        node = node.parent
    return node


def _skip(ctx: TreeContext) -> bool:
    return ctx.is_test_file or bool(js.SCRIPT_PATH.search(ctx.path)) or not any(
        value.split("#")[0] in CHILD_PROCESS | PROMISE_WRAPPERS | EXECA for value in ctx.imports.values()
    )


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_skip)
def check_node(call: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx):
        return
    module, function = _module_of(js.callee(call), ctx)
    if not module:
        return
    if module in CHILD_PROCESS:
        if function not in BUFFERED:
            return  # spawn/fork stream a process that may live as long as the service
    elif module in PROMISE_WRAPPERS:
        if function not in BUFFERED | {"spawn"} or function == "spawn" and not _awaited(call):
            return
    elif module in EXECA:
        if function not in {"execa", "execaCommand", "$", "execaSync", "execaCommandSync"}:
            return
    else:
        return
    ctx.examine(RULE)
    options = _options(call, function)
    if options is not None and options.type == "identifier":
        options = _local_object(text(options), call)
        if options is None or options.type != "object":
            return  # built elsewhere: not judged
    if options is not None and (
        any(js.object_has_key(options, key) for key in ABORTS)
        or any(child.type == "spread_element" for child in options.named_children)
    ):
        return
    program = js.args(call)[0] if js.args(call) else None
    shown = text(program)[:40] if program is not None else "a command"
    blocking = " and blocks the event loop meanwhile" if function.endswith("Sync") else ""
    yield RULE.hit(
        call,
        f"{function}({shown}, ...) is waited for with no timeout: a hung child holds its caller (and its pipes) forever{blocking}",
    )
