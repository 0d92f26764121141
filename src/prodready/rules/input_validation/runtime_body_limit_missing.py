"""Oversized request body not refused with 413 (runtime).

## What it does
Declares a body larger than the service should accept (16 MiB by default) on a route that takes a
body, streams it, and reports a service that does not answer 413 quickly (within 2 s) - it reads
the whole body, or answers with another status.

## Why it matters in production
Without a body limit one client can fill memory or disk and tie up workers with huge uploads; a
few concurrent requests take the service down.

## Example
```
POST /items  Content-Length: 16777216  ->  422 after reading 16 MiB
```

## Use instead
```python
class BodyLimit:  # pure ASGI middleware
    async def __call__(self, scope, receive, send):
        if int(dict(scope["headers"]).get(b"content-length", 0)) > LIMIT:
            return await PlainTextResponse("too large", 413)(scope, receive, send)
        await self.app(scope, receive, send)
```

## Known limitations
A proxy in front of the service may enforce the limit in production; probe through it to judge that setup.

## References
- https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/413
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-IV-401",
    name="oversized-body-accepted",
    category=Category.INPUT_VALIDATION,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.RUNTIME}),
    fix="Limit request bodies at the server or proxy (e.g. 1-10 MiB) and answer 413 before reading the rest.",
    references=("https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/413",),
)
