"""429 answered without Retry-After (runtime).

## What it does
Reports a route whose 429 reply (during the burst probe) has no `Retry-After` header.

## Why it matters in production
Clients that are told to slow down but not for how long retry at once, turning a limit into a
retry storm.

## Example
```
<- 429 Too Many Requests   (no Retry-After)
```

## Use instead
```
<- 429 Too Many Requests
   Retry-After: 30
```

## Known limitations
`RateLimit-Reset` alone is accepted by some clients but is not standard; it is reported too.

## References
- https://www.rfc-editor.org/rfc/rfc6585#section-4
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-RA-402",
    name="rate-limit-without-retry-after",
    category=Category.RATE_LIMITING,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.RUNTIME}),
    fix="Send Retry-After (seconds) with every 429 so well-behaved clients back off for the right time.",
    references=("https://www.rfc-editor.org/rfc/rfc6585#section-4",),
)
