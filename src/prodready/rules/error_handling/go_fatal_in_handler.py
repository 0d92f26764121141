"""Go request handler calls log.Fatal or os.Exit.

## What it does
Flags `log.Fatal*`, `logger.Fatal*` (logrus, zap, zerolog's `Fatal()`), and `os.Exit` inside HTTP
handlers (functions taking `http.ResponseWriter`, `*gin.Context`, `echo.Context`, `*fiber.Ctx`).

## Why it matters in production
`Fatal` logs and calls `os.Exit(1)`: one failing request — a client that disconnects while the
template is written, a bad row — kills the whole process and every request in flight, deferred
cleanups do not run, and a crash loop follows if the input repeats.

## Example
```go
if err := tmpl.Execute(w, data); err != nil {
    log.Fatal(err)
}
```

## Use instead
```go
if err := tmpl.Execute(w, data); err != nil {
    log.Printf("render home: %v", err)
    http.Error(w, "internal error", http.StatusInternalServerError)
    return
}
```

## Known limitations
Fatal calls in helpers that handlers call are not followed.

## References
- https://pkg.go.dev/log#Fatal
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import ancestors, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import enclosing_handler, in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-206",
    name="go-fatal-in-handler",
    category=Category.ERROR_HANDLING,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Log the error and answer 500; exit only from main during start-up.",
    references=("https://pkg.go.dev/log#Fatal",),
)

FATAL = lazy_compile(r"^(log\.Fatal\w*|os\.Exit|[\w.]+\.Fatal(f|ln|w)?|[\w.]+\.Fatal\(\)\.\w+)$")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: ("Fatal" in c or "os.Exit" in c) and FATAL.match(c), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if not FATAL.match(name) or non_production(ctx.path, ctx.is_test_file) or name.startswith(("t.", "b.")):
        return
    if enclosing_handler(node) is None and not _serves_request(node):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f"{name}() inside a request handler exits the whole server on one failed request")


# Code that runs per request without a handler's signature: a mux route matcher
# `func(r *http.Request, rm *mux.RouteMatch) bool`, a framework's own context type (`*context.Context`)
PER_REQUEST = lazy_compile(r"\*http\.Request\b|\*\w*[cC]ontext\.Context\b")


def _serves_request(node: Any) -> bool:
    for anc in ancestors(node):
        if anc.type in {"function_declaration", "method_declaration", "func_literal"}:
            parameters = field(anc, "parameters")
            if parameters is not None and PER_REQUEST.search(text(parameters)):
                return True
            if anc.type != "func_literal":
                return False
    return False
