"""Basic security headers missing (runtime).

## What it does
Reports replies without `X-Content-Type-Options: nosniff`, HTML replies without frame protection
(`X-Frame-Options` or CSP `frame-ancestors`) and HTTPS replies without `Strict-Transport-Security`.

## Why it matters in production
These headers close whole classes of browser attacks (MIME sniffing, click-jacking, TLS stripping)
for the price of a middleware.

## Example
```
GET /  ->  200 content-type: text/html   (no X-Content-Type-Options, no X-Frame-Options)
```

## Use instead
```python
@app.middleware("http")
async def headers(request, call_next):
    response = await call_next(request)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
```

## Known limitations
A proxy may add the headers in production; probe through it.

## References
- https://owasp.org/www-project-secure-headers/
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-CF-401",
    name="security-headers-missing",
    category=Category.CONFIGURATION,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.RUNTIME}),
    fix="Send X-Content-Type-Options: nosniff on every reply, frame protection on HTML and HSTS over HTTPS (middleware or proxy).",
    references=("https://owasp.org/www-project-secure-headers/",),
)
