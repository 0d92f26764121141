"""Go HTTP response body never closed.

## What it does
Flags `resp, err := client.Do/Get/Post/Head/PostForm(...)` (and `http.Get` etc.) when the function
never calls `resp.Body.Close()` (usually `defer resp.Body.Close()`) and does not return `resp`.

## Why it matters in production
An unclosed body keeps the connection out of the pool: every request opens a new TCP/TLS
connection, file descriptors leak, and eventually "too many open files" or port exhaustion stops
all outbound calls.

## Example
```go
resp, err := client.Post(url, "application/json", body)
if err != nil { return nil, err }
return io.ReadAll(resp.Body)
```

## Use instead
```go
resp, err := client.Post(url, "application/json", body)
if err != nil { return nil, err }
defer resp.Body.Close()
return io.ReadAll(resp.Body)
```

## Known limitations
Bodies closed by a helper that receives `resp` are treated as closed only when `resp` is passed on.

## References
- https://pkg.go.dev/net/http#Response
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import descendants, field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RL-201",
    name="go-response-body-not-closed",
    category=Category.RESOURCE_LEAKS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="defer resp.Body.Close() right after checking the error.",
    references=("https://pkg.go.dev/net/http#Response",),
)

METHODS = {"Do", "Get", "Post", "Head", "PostForm"}
_METHOD_NAMES = tuple(sorted(METHODS))  # the callee of `client.Get(...)` ends with the method


@RULE.on_tree("short_var_declaration", "assignment_statement", languages=(Language.GO,), callee=lambda c: c.endswith(_METHOD_NAMES),
              skip_file=lambda ctx: ctx.path.endswith("_test.go"))
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.path.endswith("_test.go"):
        return
    right = field(node, "right")
    left = field(node, "left")
    if right is None or left is None or not right.named_children or not left.named_children:
        return
    call = right.named_children[0]
    if call.type != "call_expression":
        return
    parts = go.call_parts(call)
    if parts is None or parts[1] not in METHODS:
        return
    resp = text(left.named_children[0])
    if resp == "_" or ctx.path.endswith("_test.go"):
        return
    func = go.enclosing_function(node)
    if func is None:
        return
    top = go.enclosing_top_function(node) or func
    body = text(func) if func is top else text(func) + "\n" + text(top)  # closures close in the outer defer
    http_call = parts[0] in {"http", "http.DefaultClient"} or (
        parts[1] == "Do" and re.search(r"(?i)client", parts[0]) is not None
    )
    if not http_call and (
        resp + "." not in body  # (what the pattern needs, tested first: it is compiled per name)
        or not re.search(rf"\b{re.escape(resp)}\.(Body|StatusCode|Status|Header|ContentLength)\b", body)
    ):
        return  # pool.Get(), store.Get(r, "session"), cache.Get(key): not an *http.Response
    ctx.examine(RULE)
    if f"defer {resp}.Body.Close()" in text(func):
        early = _return_before_deferred_close(func, call, resp)
        if early is not None:
            yield RULE.hit(early, f"this return leaves `{resp}.Body` open: the deferred Close comes after it (a non-200 reply leaks the connection)")
        return
    if f"{resp}.Body.Close()" in body or f"return {resp}," in body or f"return {resp}\n" in body:
        return
    # the response itself handed to a helper (`parse(resp)`), not one of its fields and not another
    # name that starts with the same letters (`string(response)`)
    whole = re.compile(rf"(?<![\w.]){re.escape(resp)}\b(?!\s*\.)")
    if any(
        whole.search(text(arg))
        for c in go.calls_in(func)
        for arg in go.call_args(c)
        if c != call
    ):
        return  # handed to a helper
    yield RULE.hit(call, f"`{resp}.Body` is never closed: the connection leaks")


def _return_before_deferred_close(func: Any, call: Any, resp: str) -> Any:
    """A `return` between the request and `defer resp.Body.Close()` that is not the `if err != nil`
    check of the request itself: on that path the body is never closed."""
    defer = next((d for d in descendants(func, "defer_statement") if f"{resp}.Body.Close()" in text(d)), None)
    if defer is None or defer.start_byte < call.end_byte:
        return None
    for statement in descendants(func, "return_statement"):
        if not call.end_byte < statement.start_byte < defer.start_byte:
            continue
        branch = statement.parent  # the if/case that holds this return
        while branch is not None and branch.type not in {"if_statement", "expression_case", "default_case", "type_case"}:
            branch = branch.parent
        condition = text(field(branch, "condition")) if branch is not None and branch.type == "if_statement" else ""
        if re.search(r"\berr\s*!=\s*nil\b", condition) or f"{resp} == nil" in condition:
            continue  # the request failed: there is no body to close
        if branch is None or re.search(rf"\b{re.escape(resp)}\.Body\.Close\(\)", text(branch)):
            continue  # closed on that branch before returning
        return statement
    return None
