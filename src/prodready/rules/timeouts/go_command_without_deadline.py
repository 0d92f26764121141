"""Go external command run with no deadline

## What it does
Flags `exec.Command(...)` in service code (not `package main` tools, not tests): the child has no
context, so nothing ends it — `exec.CommandContext(ctx, ...)` with a deadline, a `WaitDelay`, or a
timer that kills the process is what bounds it. A function that kills the process itself
(`cmd.Process.Kill()`, `time.AfterFunc`) is left alone.

## Why it matters in production
A command that hangs — git waiting on a lock or a stalled client, a hook script stuck on the
network, an image tool on a malformed file — keeps its goroutine, its pipes and the request that
started it forever. Under load the service runs out of processes or file descriptors, and a client
that disconnects does not stop the work it started.

## Example
```go
cmd := exec.Command("git", "upload-pack", "--stateless-rpc", repo)
out, err := cmd.Output()
```

## Use instead
```go
ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
defer cancel()
cmd := exec.CommandContext(ctx, "git", "upload-pack", "--stateless-rpc", repo)
cmd.WaitDelay = 5 * time.Second
out, err := cmd.Output()
```

## Known limitations
A deadline enforced by the caller around the whole function is not seen.

## References
- https://pkg.go.dev/os/exec#CommandContext
- https://pkg.go.dev/os/exec#Cmd.WaitDelay
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-004",
    name="subprocess-without-timeout",
    aliases=("PR-TO-207", "go-command-without-deadline"),
    category=Category.TIMEOUTS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Use exec.CommandContext with a deadline (and WaitDelay) so a hung child is killed.",
    references=("https://pkg.go.dev/os/exec#CommandContext",),
)

KILLS = lazy_compile(r"Process\.Kill\(|time\.AfterFunc\(|WaitDelay|Process\.Signal\(|syscall\.Kill\(")
QUICK_PROGRAMS = {"which", "open", "xdg-open", "uname", "hostname", "whoami", "id", "true", "false", "rundll32"}
PACKAGE_MAIN = lazy_compile(r"(?m)^package\s+main\b")
# `// Package docker provides support for starting ... containers for running tests.`
TEST_SUPPORT = lazy_compile(r"(?m)^// Package \w+ [^\n]*(\n//[^\n]*)*\b(tests?|testing)\b")


@once_per_file
def _skip(ctx: TreeContext) -> object:
    return (
        in_test_code(ctx) or "exec.Command(" not in ctx.text or PACKAGE_MAIN.search(ctx.text) is not None
        or TEST_SUPPORT.search(ctx.text[:2000]) is not None
    )


@RULE.on_tree("call_expression", languages=(Language.GO,), callee="exec.Command".__eq__, skip_file=_skip)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx) or go.callee(node) != "exec.Command" or ctx.imports.get("exec") != "os/exec":
        return
    arguments = [text(a) for a in go.call_args(node)]
    if arguments and all(a.startswith('"') for a in arguments[:1]) and (
        arguments[0].strip('"') in QUICK_PROGRAMS or any(a.strip('"') in {"--version", "version", "-V"} for a in arguments[1:])
    ):
        return  # `which open`, `pg_dump --version`: answers at once, nothing to wait on
    function = go.enclosing_function(node)
    ctx.examine(RULE)
    if function is not None and KILLS.search(text(function)):
        return
    yield RULE.hit(node, "exec.Command has no context or deadline: a hung child keeps its goroutine, pipes and request forever")
