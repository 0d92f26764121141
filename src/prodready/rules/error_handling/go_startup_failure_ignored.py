"""Go start-up step fails, is logged, and start-up goes on

## What it does
In `main` or a start-up function (`run`, `start…`, `setup…`, `init…`, `serve…`), flags
`if err := store.Migrate(ctx); err != nil { logger.Error(...) }` — a migration, connection,
configuration load or registration whose failure is only logged: the block neither returns, exits,
panics nor retries, so the service starts anyway. Also flags the server's own serve loop run in a
goroutine (`go func() { if err := srv.ListenAndServe(); err != nil { log... } }()`) whose failure is
only logged: nothing tells main, which waits for a signal with nothing serving.

## Why it matters in production
The process comes up healthy-looking on a schema it does not expect, without the cache it was
meant to use, or without the configuration it needs. Health checks pass, the deploy completes, and
the first real requests fail in ways far from the cause — which scrolled past once in the start-up
log.

## Example
```go
if err := store.Migrate(ctx, pool); err != nil {
    logger.Error("migrations failed, continuing with existing schema", "err", err)
}
```

## Use instead
```go
if err := store.Migrate(ctx, pool); err != nil {
    return fmt.Errorf("migrate: %w", err)   // main exits non-zero; the orchestrator retries or rolls back
}
```

## Known limitations
Steps that are optional by design (a best-effort cache warm-up) are reported too when their name
reads like a required step; suppress them with that reason.

## References
- https://12factor.net/disposability
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-212",
    name="go-startup-failure-ignored",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Return the error (or exit non-zero) so the service does not start half-configured.",
    references=("https://12factor.net/disposability",),
)

STARTUP_FUNCTION = lazy_compile(r"(?i)^(main|run|start\w*|setup\w*|init\w*|serve\w*|bootstrap\w*|new(app|server|service))$")
REQUIRED_STEP = lazy_compile(r"(?i)(migrat|connect|ping|load\w*config|parse\w*config|register|open\w*db|init\w*(db|store|schema))")
LEAVES = lazy_compile(r"\breturn\b|\bpanic\(|os\.Exit\(|\.Fatal\w*\(|\bcontinue\b|\bbreak\b|\bgoto\b|retry|backoff", re.I)
LOGS = lazy_compile(r"^(\w+\.)*(Error|Errorf|Warn|Warnf|Warning|Info|Infof|Print|Printf|Println|Log|Logf|Debug)\w*\(|^fmt\.(Fprint|Print)")


@RULE.on_tree("if_statement", languages=(Language.GO,), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if non_production(ctx.path, ctx.is_test_file):
        return
    initializer = field(node, "initializer")
    condition = text(field(node, "condition"))
    if initializer is None:
        return
    right = field(initializer, "right")
    call = right.named_children[0] if right is not None and right.named_children else None
    if call is not None and call.type == "call_expression" and SERVES.search(go.callee(call)) and SERVE_FAILED.fullmatch(condition.strip()):
        yield from _serve_failure_logged(node, call, ctx)
        return
    if not re.fullmatch(r"err\s*!=\s*nil", condition.strip()):
        return
    if call is None or call.type != "call_expression" or not REQUIRED_STEP.search(go.callee(call).rsplit(".", 1)[-1]):
        return
    function = go.enclosing_top_function(node)
    if function is None or not STARTUP_FUNCTION.match(go.function_name(function)):
        return
    inner = go.enclosing_function(node)
    if inner is None or inner.id != function.id:
        return  # inside a goroutine or callback: a side task whose failure start-up does not wait for
    if field(node, "alternative") is not None:
        return
    ctx.examine(RULE)
    block = field(node, "consequence")
    children = block.named_children if block is not None else []
    if len(children) == 1 and children[0].type == "statement_list":
        children = children[0].named_children  # newer grammars wrap a block's statements
    statements = [s for s in children if s.type != "comment"]
    if not statements or LEAVES.search(text(block)):
        return
    if not all(s.type == "expression_statement" and LOGS.search(text(s).strip()) for s in statements):
        return
    yield RULE.hit(node, f"{go.callee(call)}() failing is only logged in {go.function_name(function)}(): the service starts anyway, without it")


# the server's own serve loop: `srv.ListenAndServe()`, `e.Start(addr)`, gin's `r.Run(addr)`
SERVES = lazy_compile(r"\.(Serve|ServeTLS|ListenAndServe|ListenAndServeTLS|Start|StartServer|StartTLS|Run|RunTLS)$")
SIDE_SERVER = lazy_compile(r"(?i)debug|pprof|expvar|metric|prometheus|profil")
SERVE_FAILED = lazy_compile(
    r"err\s*!=\s*nil(\s*&&\s*(err\s*!=\s*[\w.]*ErrServerClosed|!errors\.Is\(err,\s*[\w.]*ErrServerClosed\)))?"
)


def _only_logs(block: Any) -> bool:
    children = block.named_children if block is not None else []
    if len(children) == 1 and children[0].type == "statement_list":
        children = children[0].named_children
    statements = [s for s in children if s.type != "comment"]
    return bool(statements) and not LEAVES.search(text(block)) and "<-" not in text(block) and all(
        s.type == "expression_statement" and LOGS.search(text(s).strip()) for s in statements
    )


def _serve_failure_logged(node: Any, call: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`go func() { if err := srv.ListenAndServe(); err != nil { log.Error(...) } }()`: the port is
    taken or the certificate is bad, the goroutine logs and ends, and main waits for a signal with
    nothing serving."""
    literal = go.enclosing_function(node)
    if literal is None or literal.type != "func_literal":
        return
    launched = literal.parent.parent if literal.parent is not None else None  # go_statement > call > func_literal
    if launched is None or launched.type != "go_statement" or field(node, "alternative") is not None:
        return
    if SIDE_SERVER.search(text(literal)) or SIDE_SERVER.search(ctx.path):
        return  # a debug, profiling or metrics listener: the service itself does not depend on it
    ctx.examine(RULE)
    if not _only_logs(field(node, "consequence")):
        return
    yield RULE.hit(
        node,
        f"{go.callee(call)}() failing (port in use, bad certificate) is only logged in its goroutine: "
        "the process keeps running with nothing serving",
    )
