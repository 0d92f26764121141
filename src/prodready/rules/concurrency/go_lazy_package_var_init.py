"""Go package-level variable initialised lazily without a lock

## What it does
Flags `if x == nil { x = ... }` (and `if x != nil { return x }` followed by `x = ...`) on a
package-level variable inside a function that is not `init`/`main` and takes no lock and uses no
`sync.Once` — typically a getter or a middleware that builds a regexp, client, cache or table on
first use.

## Why it matters in production
Handlers run on many goroutines at once. Two of them see `nil` together and both build the value:
the race detector reports it, a map or client is built twice (one copy silently lost with whatever
was stored in it), and a reader can observe a half-written value.

## Example
```go
var webhookClient *http.Client

func getWebhookClient() *http.Client {
    if webhookClient == nil {
        webhookClient = &http.Client{Timeout: 10 * time.Second}
    }
    return webhookClient
}
```

## Use instead
```go
var webhookClient = sync.OnceValue(func() *http.Client {
    return &http.Client{Timeout: 10 * time.Second}
})
```
(or build the value in `init`/`main` before the server starts).

## Known limitations
Struct fields initialised lazily (`s.cache == nil`) are not reported: whether the struct is shared
between goroutines is not known.

## References
- https://pkg.go.dev/sync#OnceValue
- https://go.dev/ref/mem
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
from prodready.rules._go_http import declares_locally, in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-001",
    name="lazy-singleton-race",
    aliases=("PR-CC-206",),
    category=Category.CONCURRENCY,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Initialise it once with sync.Once / sync.OnceValue, or in init()/main() before serving.",
    references=("https://pkg.go.dev/sync#OnceValue",),
)

NIL_CHECK = lazy_compile(r"^\(?\s*([A-Za-z_]\w*)\s*(==|!=)\s*nil\s*\)?$")
GENERATED = lazy_compile(r"(?m)^// Code generated .* DO NOT EDIT\.$")
LOCKED = lazy_compile(r"\.(R?Lock|Do)\(|sync\.Once")
# functions that run once while the process starts (registration from init(), server start-up)
STARTUP = lazy_compile(r"^(init|main|[Ii]nit\w*|[Ss]etup\w*|[Mm]ust\w*|[Cc]onfigure\w*|[Rr]egister\w*|[Rr]un\w*|[Ss]tart\w*|[Cc]reate\w*Engine)$")


def _no_nil_check(ctx: TreeContext) -> bool:
    """Test code, generated code (protobuf getters check nil on their receiver), or no nil check."""
    return in_test_code(ctx) or GENERATED.search(ctx.text[:2000]) is not None or "== nil" not in ctx.text and "!= nil" not in ctx.text


@RULE.on_tree("if_statement", languages=(Language.GO,), skip_file=_no_nil_check)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _no_nil_check(ctx) or non_production(ctx.path, ctx.is_test_file):
        return
    condition = field(node, "condition")
    found = NIL_CHECK.match(text(condition).strip()) if condition is not None else None
    if found is None or found.group(1) in {"err", "_"}:
        return
    name, operator = found.group(1), found.group(2)
    func, top = go.enclosing_functions(node)
    if func is None or top is None or STARTUP.match(go.function_name(top)):
        return
    assigned = re.compile(rf"(?m)^\s*{re.escape(name)}\s*=[^=]")
    if operator == "==":
        initialises = bool(assigned.search(text(field(node, "consequence"))))
    else:  # if x != nil { return x } ... x = build()
        after = (func.text or b"")[node.end_byte - func.start_byte :].decode("utf-8", "replace")  # offsets count bytes
        initialises = "return" in text(field(node, "consequence")) and bool(assigned.search(after))
    if not initialises:
        return
    ctx.examine(RULE)
    if declares_locally(top, name) or declares_locally(func, name) or LOCKED.search(text(top)):
        return  # a local, a closure's own variable, or a lock/Once guards it
    yield RULE.hit(
        node,
        f"package-level `{name}` is initialised on first use without a lock or sync.Once: concurrent callers "
        "both see nil and both build it (a data race)",
    )
