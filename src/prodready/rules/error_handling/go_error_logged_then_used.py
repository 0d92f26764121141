"""Go error only logged, then the failed result is used.

## What it does
Flags `v, err := f(...)` followed by an `if err != nil { ... }` block that only logs (no `return`,
no fallback assignment), when the code after the block goes on to use `v`. The same for a value
filled through a pointer (`err = json.NewDecoder(r.Body).Decode(&p)`, `json.Unmarshal(b, &p)`,
`c.Bind(&p)`, `rows.Scan(&id)`).

## Why it matters in production
After a failure `v` is nil or a zero value: `rows.Next()` on nil rows panics, an update runs for id
0, an empty result is rendered as if it were real. The log line shows the first error, the user sees
a 500 or — worse — a wrong success.

## Example
```go
id, err := strconv.Atoi(r.Form.Get("id"))
if err != nil {
    log.Println(err)
}
err = db.UpdateTask(id, title, content)
```

## Use instead
```go
id, err := strconv.Atoi(r.Form.Get("id"))
if err != nil {
    http.Error(w, "invalid id", http.StatusBadRequest)
    return
}
```

## Known limitations
Only the statement right before the check is read; assignments in an earlier if/else are not
followed.

## References
- https://go.dev/blog/error-handling-and-go
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
from prodready.rules._go_http import following_statements, in_test_code, non_production, statements
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-208",
    name="go-error-logged-then-used",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Return (or answer 4xx/5xx) after logging, or assign an explicit fallback value.",
    references=("https://go.dev/blog/error-handling-and-go",),
)

# Calls that fill their pointer argument: decoders, binders, scanners.
FILLS = lazy_compile(r"(\.Decode|\.Unmarshal|json\.Unmarshal|xml\.Unmarshal|yaml\.Unmarshal|\.Bind\w*|\.ShouldBind\w*|\.BodyParser|\.Scan)$")
LOG_CALL = lazy_compile(r"^(log|logger|logging|logrus|slog|glog|fmt|l|\w*[lL]og\w*)\.\w+$")


@RULE.on_tree("if_statement", languages=(Language.GO,), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if " ".join(text(field(node, "condition")).split()) != "err != nil" or field(node, "alternative") is not None:
        return
    if field(node, "initializer") is not None or non_production(ctx.path, ctx.is_test_file):
        return
    body = statements(field(node, "consequence"))
    if not body or not all(
        s.type == "expression_statement"
        and s.named_children
        and s.named_children[0].type == "call_expression"
        and LOG_CALL.match(go.callee(s.named_children[0]))
        and not re.search(r"Fatal|Panic|Exit", go.callee(s.named_children[0]))
        for s in body
    ):
        return
    previous = node.prev_named_sibling
    while previous is not None and previous.type == "comment":
        previous = previous.prev_named_sibling
    if previous is None or previous.type not in {"short_var_declaration", "assignment_statement"}:
        return
    left = field(previous, "left")
    names = [text(c) for c in left.named_children] if left is not None else []
    if "err" not in names:
        return
    values = [n for n in names if n not in {"err", "_"} and re.fullmatch(r"\w+", n)]
    filled = not values
    if not values:
        # `err = json.NewDecoder(r.Body).Decode(&p)`: the value is filled through a pointer argument
        right = field(previous, "right")
        call = right.named_children[0] if right is not None and right.named_children else None
        if call is not None and call.type == "call_expression" and FILLS.search(go.callee(call)):
            values = [m.group(1) for a in go.call_args(call) if (m := re.fullmatch(r"&(\w+)", text(a)))]
    if not values:
        return
    if re.search(r"(?i)warn|skip|ignor|default|fallback|continu|optional", " ".join(text(b) for b in body)):
        return  # a deliberate best-effort: the code degrades on purpose
    after = following_statements(node)
    used = []
    for value in values:
        pattern = rf"\b{re.escape(value)}\b"
        first = next((s for s in after if re.search(pattern, text(s))), None)
        if first is None:
            continue
        if not filled and first.type == "if_statement" and re.search(pattern, text(field(first, "condition"))):
            continue  # the value itself is checked before use (if v != "" / v == nil)
        used.append(value)
    if not used:
        return
    ctx.examine(RULE)
    yield RULE.hit(body[-1], f"error only logged, then `{used[0]}` from the failed call is used as if it were valid")
