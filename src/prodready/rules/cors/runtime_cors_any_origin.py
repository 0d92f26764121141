"""Any origin allowed on an authenticated route (runtime).

## What it does
Reports a route that answers a foreign `Origin` with `Access-Control-Allow-Origin: *` or with the
foreign origin itself (without credentials) where the route requires authentication, or any origin
is reflected on a route of a service that authenticates.

## Why it matters in production
Token-authenticated APIs that allow every origin let any site drive them from a user's browser
with a token it obtained; reflected origins also defeat caches that key on the origin.

## Example
```
Origin: https://prodready-probe.example
<- Access-Control-Allow-Origin: *
```

## Use instead
```python
app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins)
```

## Known limitations
A public read-only API may allow `*` on purpose; suppress or baseline the finding then.

## References
- https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-CO-402",
    name="cors-any-origin-allowed",
    category=Category.CORS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.RUNTIME}),
    fix="List the origins that may call the API; keep `*` for public, unauthenticated data only.",
    references=("https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS",),
)
