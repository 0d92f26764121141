"""Route the code protects answers an anonymous caller (runtime).

## What it does
Requests every route that the static audit (or the OpenAPI `security` declaration) says requires
authentication without any credentials and reports one that answers 2xx.

## Why it matters in production
The protection exists in the code or the spec but not in the running service (a middleware not
mounted, a dependency that lets everyone through, a stale deployment): the data is public.

## Example
```
GET /admin/users (no Authorization)  ->  200 [{"id": 1, ...}]
```

## Use instead
```python
@app.get("/admin/users", dependencies=[Depends(require_admin)])
```

## Known limitations
Routes that need path parameters are called with plausible values (`1`, a UUID); a 404 there is not judged.

## References
- https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-AU-401",
    name="protected-route-answers-anonymous",
    category=Category.AUTHENTICATION,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.RUNTIME}),
    fix="Enforce the authentication dependency or middleware on the route and answer 401/403 to callers without credentials.",
    references=("https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",),
)
