"""nginx announces its version: `server_tokens` not off.

## What it does
Flags `server_tokens on` anywhere, and an `http` block (the main nginx configuration) that does not
set `server_tokens off` — nginx's default is on.

## Why it matters in production
Every response and every error page carries `Server: nginx/1.18.0`. Scanners index hosts by
version and match them against known CVEs: an outdated proxy is found the day a vulnerability is
published, before the team has patched it.

## Example
```nginx
http {
    include mime.types;
    server { listen 80; }
}
```

## Use instead
```nginx
http {
    server_tokens off;
    include mime.types;
    server { listen 80; }
}
```

## Known limitations
A file of `server` blocks only (a `conf.d/*.conf`) is judged only for an explicit `server_tokens
on`: the main configuration that includes it may be the image's own.

## References
- https://nginx.org/en/docs/http/ngx_http_core_module.html#server_tokens
- https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/01-Information_Gathering/02-Fingerprint_Web_Server
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import NginxContext
from prodready.lang.nginx import Directive
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-305",
    name="nginx-server-tokens",
    category=Category.CONFIGURATION,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.NGINX}),
    fix="Add `server_tokens off;` to the http block.",
    references=("https://nginx.org/en/docs/http/ngx_http_core_module.html#server_tokens",),
)


@RULE.on_file(Language.NGINX)
def check(ctx: NginxContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    for directive in ctx.config.find("server_tokens"):
        ctx.examine(RULE)
        if directive.args and directive.args[0].lower() == "on":
            yield Hit(line=directive.line, message="`server_tokens on`: every response names the nginx version")
    for http in ctx.config.directives:
        if http.name != "http" or not http.is_block:
            continue
        ctx.examine(RULE)
        if _off(http):
            continue
        servers = http.children("server")
        if servers and all(_off(s) for s in servers):
            continue
        yield Hit(line=http.line, message="the http block does not set `server_tokens off`: responses and error "
                  "pages name the nginx version")


def _off(block: Directive) -> bool:
    return any(d.args and d.args[0].lower() == "off" for d in block.children("server_tokens"))
