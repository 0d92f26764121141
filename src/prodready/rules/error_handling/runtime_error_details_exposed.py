"""Stack trace, debug page or exception text in an error reply (runtime).

## What it does
Looks at the replies to malformed JSON, oversized bodies and an unknown path for a Python, Node or
Go stack trace, a framework debug page (Werkzeug, Django) or raw exception text.

## Why it matters in production
Tracebacks reveal file paths, library versions, queries and sometimes secrets, and debug pages can
execute code. Attackers collect them to aim their next request.

## Example
```
POST /orders  {"item":
<- 500  Traceback (most recent call last): File "/app/main.py", line 31 ...
```

## Use instead
```python
app = FastAPI(debug=False)
@app.exception_handler(Exception)
async def internal(request, exc):
    log.exception("unhandled")
    return JSONResponse({"detail": "internal error"}, 500)
```

## Known limitations
Only the replies to prodready's own probes are examined.

## References
- https://owasp.org/www-community/Improper_Error_Handling
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-EH-402",
    name="error-details-exposed",
    category=Category.ERROR_HANDLING,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.RUNTIME}),
    fix="Turn off debug mode in production and answer errors with a generic body; log the traceback server-side.",
    references=("https://owasp.org/www-community/Improper_Error_Handling",),
)
