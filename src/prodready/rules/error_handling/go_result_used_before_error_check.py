"""Go result dereferenced before its error is checked

## What it does
Flags `v, err := call(...)` when the very next statement reads a field of `v` before anything
looks at `err`: `return v.InsertedID, err`, `defer resp.Body.Close()`, `n := res.RowsAffected`.
Calls whose result is a plain value (strings, numbers) are not followed: only a field or method read
through the result (`v.X`) counts.

## Why it matters in production
On failure most Go APIs return a nil pointer with the error (`*mongo.InsertOneResult`,
`*http.Response`, `*sql.Row`...). Reading a field of it panics with a nil-pointer dereference, so a
database hiccup or a refused connection — the very case the error was for — crashes the request,
or the whole process when it happens outside an HTTP handler.

## Example
```go
res, err := coll.InsertOne(ctx, doc)
return res.InsertedID, err
```

## Use instead
```go
res, err := coll.InsertOne(ctx, doc)
if err != nil {
    return nil, err
}
return res.InsertedID, nil
```

## Known limitations
A result of a value type (a struct, not a pointer) is safe to read and is still flagged when the
next statement reads it before the check; suppress those.

## References
- https://go.dev/doc/effective_go#errors
- https://pkg.go.dev/net/http#Client.Do
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang.treesitter import field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import following_statements, in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-210",
    name="go-result-used-before-error-check",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Check `err` first and return (or handle it) before touching the result.",
    references=("https://go.dev/doc/effective_go#errors",),
)


@RULE.on_tree("short_var_declaration", "assignment_statement", languages=(Language.GO,), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    left, right = field(node, "left"), field(node, "right")
    if left is None or right is None or len(left.named_children) != 2 or non_production(ctx.path, ctx.is_test_file):
        return
    result, error = (text(c) for c in left.named_children)
    if not re.fullmatch(r"err\w*", error) or result == "_" or not re.fullmatch(r"\w+", result):
        return
    call = right.named_children[0] if right.named_children else None
    if call is None or call.type != "call_expression":
        return
    after = following_statements(node)
    if not after:
        return
    ctx.examine(RULE)
    nxt = after[0]
    body = text(nxt)
    if nxt.type == "if_statement":
        return
    # (substring tests first: the patterns hold the names, so each is compiled anew)
    read = re.search(rf"(?<![\w.]){re.escape(result)}\.\w+", body) if result + "." in body else None
    if read is None:
        return
    if nxt.type == "return_statement" and (error not in body or not re.search(rf"\b{re.escape(error)}\b", body)):
        return  # `return v.X` without the error: the error was dropped, which PR-EH-201 reports
    if nxt.type not in {"return_statement", "defer_statement", "short_var_declaration", "assignment_statement", "expression_statement"}:
        return
    if _returns_value_struct(call, ctx):
        return  # `res.Total = ...` on a struct value (`func read(...) (Result, error)`): no nil to dereference
    yield RULE.hit(nxt, f"`{read.group(0)}` is read before `{error}` is checked: on failure `{result}` is usually nil "
                        "and this panics")


def _returns_value_struct(call: Any, ctx: TreeContext) -> bool:
    """The callee is declared in this file and its first result is a named non-pointer type."""
    function = field(call, "function")
    if function is None:
        return False
    name = text(function).rsplit(".", 1)[-1]
    declared = re.search(
        rf"^func\s+(?:\([^)]*\)\s*)?{re.escape(name)}\s*\(.*\)\s*\(\s*(\*?)([A-Za-z_][\w.]*)\s*,\s*error\s*\)\s*\{{\s*$",
        ctx.text, re.MULTILINE,
    )
    if declared is None or declared.group(1) == "*":
        return False
    typ = declared.group(2)
    return typ not in {"interface", "any", "error"} and typ[:1].isupper() and not typ.startswith(("map", "chan"))
