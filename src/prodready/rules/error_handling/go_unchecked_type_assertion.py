"""Go unchecked type assertion on a session or claims value.

## What it does
Flags single-value type assertions on a value looked up by key — `session.Values["username"].(string)`,
`claims["user_id"].(float64)`, `c.Keys["user"].(*User)` — where the key may be absent or hold another
type, instead of the `v, ok := x.(T)` form.

## Why it matters in production
A missing key gives `nil`, and `nil.(string)` panics: a request with an old session cookie, a token
without that claim, or a value stored with another type crashes the handler (a 500 and a stack trace
per request, or the whole process under a framework without recovery).

## Example
```go
return session.Values["username"].(string)
```

## Use instead
```go
username, ok := session.Values["username"].(string)
if !ok {
    return ""
}
return username
```

## Known limitations
Only maps that hold request-controlled state are judged (sessions, JWT claims, context keys, and
maps the same function decodes from JSON);
assertions on `ctx.Value(key)` and other call results are not flagged.

## References
- https://go.dev/ref/spec#Type_assertions
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-207",
    name="go-unchecked-type-assertion",
    category=Category.ERROR_HANDLING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Use the two-value form `v, ok := m[key].(T)` and handle !ok.",
    references=("https://go.dev/ref/spec#Type_assertions",),
)


SOURCE = lazy_compile(r"(?i)(session|values|claims|keys|token|payload|metadata|locals|flash)")


def _decoded_here(node: Any, owner: str) -> bool:
    """`json.Unmarshal(body, &user)` / `json.NewDecoder(resp.Body).Decode(&user)` in the same function:
    a map filled from a peer's JSON (an OAuth provider, a webhook) holds whatever the peer sent."""
    if not re.fullmatch(r"\w+", owner):
        return False
    func = go.enclosing_function(node)
    body = text(func) if func is not None else ""
    return bool(re.search(rf"(Unmarshal\([^;\n]*,\s*&{owner}\s*\)|\.Decode\(\s*&{owner}\s*\))", body))


@RULE.on_tree("type_assertion_expression", languages=(Language.GO,), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    operand = field(node, "operand")
    if operand is None or operand.type != "index_expression" or non_production(ctx.path, ctx.is_test_file):
        return
    index = field(operand, "index")
    if index is None or string_value(index) is None:
        return
    owner = text(field(operand, "operand"))
    if not SOURCE.search(owner) and not _decoded_here(node, owner):
        return  # internal maps the code itself fills (template data, parsed config)
    parent = node.parent
    if parent is not None and parent.type == "expression_list":
        statement = parent.parent
        left = field(statement, "left") if statement is not None else None
        if left is not None and len(left.named_children) == 2:
            return  # v, ok := m["k"].(T)
    ctx.examine(RULE)
    yield RULE.hit(node, f"{text(node)} panics when the key is missing or holds another type")
