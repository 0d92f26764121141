"""Go handler sends the raw error text in a 5xx response.

## What it does
Flags `http.Error(w, err.Error(), 500)`, `c.JSON(http.StatusInternalServerError, gin.H{"error":
err.Error()})`, `c.Status(500).JSON(...)` and responses whose status comes from the error itself
(`c.JSON(getStatusCode(err), ResponseError{Message: err.Error()})`) when the body carries
`err.Error()`.

## Why it matters in production
Internal errors carry driver messages, SQL fragments, table names, file paths and upstream hosts:
handing them to any client maps the system for an attacker, and clients start parsing messages
that change with every library upgrade.

## Example
```go
if err != nil {
    c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
    return
}
```

## Use instead
```go
if err != nil {
    log.Error("list articles", "err", err)
    c.JSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
    return
}
```

## Known limitations
4xx responses with validation messages are accepted; wrapping the error in a custom type is not
followed.

## References
- https://owasp.org/www-community/Improper_Error_Handling
- https://cwe.mitre.org/data/definitions/209.html
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
from prodready.rules._go_http import SERVER_ERROR_STATUS, in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-103",
    name="error-detail-to-client",
    aliases=("PR-EH-204", "go-internal-error-to-client"),
    category=Category.ERROR_HANDLING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Log the error server-side and answer 5xx with a generic message (and a request id).",
    references=("https://cwe.mitre.org/data/definitions/209.html",),
)

RESPONDERS = {"JSON", "String", "XML", "IndentedJSON", "JSONP", "AbortWithStatusJSON", "PureJSON", "SecureJSON", "YAML"}
ERR_TEXT = lazy_compile(r"\b(err|e|er|error)\w*\.Error\(\)")
STATUS_FROM_ERR = lazy_compile(r"^\w+(\.\w+)?\((err|e)\w*\)$")


def _maybe_response(callee: str) -> bool:
    """Implied by check's tests: http.Error, or a method (the callee's last name) that responds."""
    return callee == "http.Error" or callee.endswith(_RESPONSE_METHODS)


_RESPONSE_METHODS = tuple(sorted(RESPONDERS | {"JSON", "SendString", "Send"}))


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=_maybe_response, skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if non_production(ctx.path, ctx.is_test_file):
        return
    name = go.callee(node)
    args = go.call_args(node)
    status: str | None = None
    body: list[Any] = []
    if name == "http.Error" and len(args) == 3:
        status, body = text(args[2]), [args[1]]
    else:
        parts = go.selector_parts(field(node, "function"))
        if parts is None or parts[1] not in RESPONDERS or not args:
            if parts is not None and parts[1] in {"JSON", "SendString", "Send"}:
                chained = re.match(r"^\w+\.Status\((.+)\)$", parts[0])  # fiber: c.Status(500).JSON(...)
                if chained:
                    status, body = chained.group(1), args
            if status is None:
                return
        else:
            status, body = text(args[0]), args[1:]
    ctx.examine(RULE)
    if not (SERVER_ERROR_STATUS.search(status) or STATUS_FROM_ERR.match(status)):
        return
    if any(ERR_TEXT.search(text(b)) for b in body):
        yield RULE.hit(node, f"{name}({status}, ...) sends err.Error() to the client: internal details leak")
