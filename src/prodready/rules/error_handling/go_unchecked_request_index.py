"""Go request header, query or form value indexed without a length check.

## What it does
Flags `r.Header["X-Token"][0]`, `r.URL.Query()["id"][0]`, `r.Form["name"][0]` and
`r.MultipartForm.File["file"][0]` (any request variable, also `c.Request.Header[...]`) when the
function never checks the length of that slice or the key's presence first.

## Why it matters in production
A request without the header or parameter yields a nil slice, and `[0]` panics with "index out of
range". net/http recovers the panic per connection, logs a stack trace and drops the response; under
gin/echo without recovery middleware the process dies. Any client (or scanner) can trigger it at will.

## Example
```go
token := r.Header["Token"][0]
```

## Use instead
```go
token := r.Header.Get("Token")
if token == "" {
    http.Error(w, "missing token", http.StatusUnauthorized)
    return
}
```

## Known limitations
Checks done in a caller or through a helper are not seen; use `Header.Get`/`Query().Get`, which
return "" instead of panicking.

## References
- https://pkg.go.dev/net/http#Header.Get
- https://go.dev/ref/spec#Index_expressions
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
    id="PR-EH-202",
    name="go-unchecked-request-index",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Use r.Header.Get / r.URL.Query().Get / r.FormValue, or check len(...) before indexing, and answer 400 when it is missing.",
    references=("https://pkg.go.dev/net/http#Header.Get",),
)

SOURCE = lazy_compile(
    r"^(?:\w+\.)*(?:\w+)\.(?:Header|Trailer|Form|PostForm|URL\.Query\(\)|MultipartForm\.(?:File|Value))$"
)


@RULE.on_tree("index_expression", languages=(Language.GO,), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    operand, index = field(node, "operand"), field(node, "index")
    if operand is None or index is None or operand.type != "index_expression" or non_production(ctx.path, ctx.is_test_file):
        return
    if not re.fullmatch(r"\d+", text(index)):
        return
    source = field(operand, "operand")
    if source is None or not SOURCE.match(text(source)) or text(source).startswith(("w.", "resp.", "res.", "response.")):
        return
    func = go.enclosing_function(node)
    body = text(func) if func is not None else ""
    ctx.examine(RULE)
    slice_text = text(operand)
    key = text(field(operand, "index"))
    guarded = re.search(rf"len\(\s*{re.escape(slice_text)}\s*\)", body) or re.search(
        rf",\s*(ok|found|exists|has\w*)\s*:?=\s*{re.escape(text(source))}\[\s*{re.escape(key)}\s*\]", body
    )
    if guarded:
        return
    yield RULE.hit(node, f"{text(node)} panics (index out of range) when the request lacks {key}")
