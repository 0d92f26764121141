"""Route answers an anonymous caller with data while its neighbours refuse (runtime).

## What it does
Requests routes anonymously and reports a route that answers 2xx with a body where routes beside it
(same first path segment, or the same router) answer 401 or 403. Login, registration, health,
metrics and documentation paths are not judged.

## Why it matters in production
A route forgotten when authentication was added to a router is the classic hole: everything around
it is protected, so nobody looks at it.

## Example
```
GET /api/orders   -> 401
GET /api/export   -> 200 {"orders": [...]}
```

## Use instead
```python
router = APIRouter(prefix="/api", dependencies=[Depends(current_user)])
```

## Known limitations
Only GET routes are called for this check (no side effects); a deliberately public route under a protected prefix is reported and can be suppressed.

## References
- https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-AU-402",
    name="unprotected-route-beside-protected",
    category=Category.AUTHENTICATION,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.RUNTIME}),
    fix="Protect the route like its neighbours, or move it out of the protected prefix and document why it is public.",
    references=("https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/",),
)
