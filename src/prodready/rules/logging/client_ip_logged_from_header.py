"""Logged client address taken from a header the client writes.

## What it does
Flags a client IP read straight from `X-Forwarded-For` / `X-Real-IP` (Python
`request.headers.get("X-Forwarded-For")`, `environ["HTTP_X_FORWARDED_FOR"]`; Node
`req.headers["x-forwarded-for"]`; Go `r.Header.Get("X-Real-Ip")`, `realip.FromRequest(r)`) that
is then written to a log line in the same function (or read inside the log call itself), in a file
that names no trusted-proxy setting. Debug-level lines are left alone: they are not the record an
incident review reads.

## Why it matters in production
Audit and access logs are what an incident review trusts: "failed login from 1.2.3.4". Any client
can send `X-Forwarded-For: 10.0.0.1` (or a victim's address), so the log records whatever the
attacker chose, and the real source is lost. Blocklists, fail2ban rules and forensics built on those
lines act on forged addresses.

## Example
```python
ip_address = request.headers.get("X-Forwarded-For", request.remote_addr)
log.warning("Login failed for user '%s' IP-address: %s", username, ip_address)
```

## Use instead
```python
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)  # only the hop your proxy appends
log.warning("Login failed for user '%s' IP-address: %s", username, request.remote_addr)
```

## Known limitations
Read from the text of the function: a value handed to a helper that logs it is not followed. A file
that mentions a trusted-proxy list anywhere is left alone.

## References
- https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Forwarded-For#security_and_privacy_concerns
- https://owasp.org/www-project-top-ten/2017/A10_2017-Insufficient_Logging%2526Monitoring
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prodready.engine.context import FileContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._client_ip import TRUSTED_PROXY
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-008",
    name="client-ip-logged-from-header",
    category=Category.LOGGING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Log the address your framework resolved from the trusted proxy hops (ProxyFix, 'trust proxy', "
    "SetTrustedProxies), not the raw header.",
    references=("https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Forwarded-For",),
)

HEADER_READ = lazy_compile(
    r"""(?i)(Header\.Get\(\s*"(x-forwarded-for|x-real-ip)"|headers?\s*\[\s*['"](x-forwarded-for|x-real-ip)['"]\s*\]|"""
    r"""headers?\.get\(\s*['"](x-forwarded-for|x-real-ip)['"]|environ(\.get\(|\[)\s*['"]HTTP_X_(FORWARDED_FOR|REAL_IP)['"]|"""
    r"""realip\.FromRequest\()"""
)
ASSIGNED = lazy_compile(r"^\s*(?:(?:const|let|var)\s+)?(\w+)\s*(?::=|=)\s*(.*)$")
LOG_CALL = lazy_compile(
    r"(?i)\b(log|logger|logging|slog|klog|zap|zerolog|logrus|console|audit_?log|self\.log|app\.logger|current_app\.logger)"
    r"(\.\w+)*\.(info|warn|warning|error|critical|exception|print|printf|println|infof|warnf|errorf|log|str)\w*\("
)
# A new function starts: the variable read above belongs to another one.
FUNCTION_START = lazy_compile(r"^\s*(async\s+def|def|func|function)\b|^\s*(export\s+)?(async\s+)?function\b")
WINDOW = 40


def _log_mentions(line: str, name: str) -> bool:
    call = LOG_CALL.search(line)
    return call is not None and re.search(rf"\b{re.escape(name)}\b", line[call.start():]) is not None


@RULE.on_file(Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO)
def check(ctx: FileContext) -> Iterator[Hit]:
    text = ctx.text
    if ctx.is_test_file or not HEADER_READ.search(text) or TRUSTED_PROXY.search(text):
        return
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if not HEADER_READ.search(line) or line.lstrip().startswith(("#", "//")):
            continue
        ctx.examine(RULE)
        call, read = LOG_CALL.search(line), HEADER_READ.search(line)
        if call is not None and read is not None and call.start() < read.start():
            yield Hit(line=index + 1, message="the logged client address is read from X-Forwarded-For/X-Real-IP, which any client writes")
            continue
        assigned = ASSIGNED.match(line)
        if assigned is None:
            continue
        name = assigned.group(1)
        for later in lines[index + 1: index + 1 + WINDOW]:
            if FUNCTION_START.search(later):
                break
            if _log_mentions(later, name):
                yield Hit(line=index + 1, message=f"`{name}` comes from X-Forwarded-For/X-Real-IP, which any client writes, and is logged as the client's address")
                break
