"""Malformed JSON answered with a server error (runtime).

## What it does
Sends a truncated JSON body to routes that take a body and reports an answer of 5xx (or no answer)
instead of a 4xx.

## Why it matters in production
A 500 on bad input pages the on-call, counts against error budgets and hides real failures; it
usually means the parse error escaped the handler.

## Example
```
POST /orders  {"item":   ->  500 Internal Server Error
```

## Use instead
```python
@app.post("/orders")
def create(order: OrderIn): ...   # the framework answers 422
```

## Known limitations
Routes protected by authentication answer 401 first and are not judged.

## References
- https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/400
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-EH-401",
    name="malformed-json-server-error",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.RUNTIME}),
    fix="Validate the body and answer 400/422 to malformed JSON; never let a parse error become a 500.",
    references=("https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/400",),
)
