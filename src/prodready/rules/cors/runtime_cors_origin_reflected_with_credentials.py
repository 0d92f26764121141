"""Foreign origin reflected with credentials (runtime).

## What it does
Sends a CORS preflight and a simple request with a foreign `Origin` (`https://prodready-probe.example`)
and reports a reply that echoes that origin in `Access-Control-Allow-Origin` together with
`Access-Control-Allow-Credentials: true`.

## Why it matters in production
Any web page the user visits can then call the API with the user's cookies and read the answers:
account data, tokens and actions are open to every site on the internet.

## Example
```
Origin: https://prodready-probe.example
<- Access-Control-Allow-Origin: https://prodready-probe.example
<- Access-Control-Allow-Credentials: true
```

## Use instead
```python
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
```

## Known limitations
Only the probed routes are judged; a route with its own CORS handling elsewhere is not seen.

## References
- https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS
- https://portswigger.net/web-security/cors
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-CO-401",
    name="cors-origin-reflected-with-credentials",
    category=Category.CORS,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.RUNTIME}),
    fix="Allow an explicit list of origins; never echo the request's Origin together with Access-Control-Allow-Credentials: true.",
    references=(
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS",
        "https://portswigger.net/web-security/cors",
    ),
)
