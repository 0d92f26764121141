"""Burst past any sane limit on a login or expensive route is not answered 429 (runtime).

## What it does
Sends a bounded burst (60 requests by default, 10 at a time) to login/token routes and to routes the
audit marks expensive (processes, LLM calls, uploads) and reports a route that never answers 429.
Only loopback targets are burst unless `--allow-remote` is given.

## Why it matters in production
Unlimited login routes invite credential stuffing; unlimited expensive routes let one client burn
the CPU, the LLM budget or the disk for everyone.

## Example
```
60 x POST /login  ->  60 x 401, no 429
```

## Use instead
```python
@app.post("/login")
@limiter.limit("5/minute")
def login(...): ...
```

## Known limitations
A limit above the burst size is not seen; raise `--burst` to test a looser limit.

## References
- https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-RA-401",
    name="burst-not-rate-limited",
    category=Category.RATE_LIMITING,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.RUNTIME}),
    fix="Put a per-client limit on login, token and expensive routes and answer 429 with Retry-After once it is exceeded.",
    references=("https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",),
)
