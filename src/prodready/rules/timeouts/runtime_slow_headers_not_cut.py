"""Slow request headers are not cut off by a header timeout (runtime).

## What it does
Opens a connection and sends request headers one line per second; reports a server that keeps the
connection open past the deadline (10 s by default) instead of closing it or answering 408.

## Why it matters in production
A handful of clients trickling headers (Slowloris) hold every connection slot of a server without
a header timeout; nothing else gets served.

## Example
```
GET / HTTP/1.1\r\nHost: ...\r\nX-a: 1\r\n ... one line a second ... still open after 10 s
```

## Use instead
```go
srv := &http.Server{ReadHeaderTimeout: 5 * time.Second}
```

## Known limitations
A server without a header timeout behind a proxy that has one is safe in production; probe through the proxy.

## References
- https://en.wikipedia.org/wiki/Slowloris_(computer_security)
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-TO-401",
    name="slow-headers-not-cut-off",
    category=Category.TIMEOUTS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.RUNTIME}),
    fix="Set a header read timeout on the server or proxy (Go ReadHeaderTimeout, nginx client_header_timeout, a proxy in front of uvicorn).",
    references=("https://en.wikipedia.org/wiki/Slowloris_(computer_security)",),
)
