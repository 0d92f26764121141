"""nginx forwards the client-supplied X-Forwarded-For as the client's address.

## What it does
Flags `proxy_set_header X-Forwarded-For $http_x_forwarded_for` and `X-Real-IP` set from
`$http_x_forwarded_for` or `$http_x_real_ip` in a configuration that does not set
`set_real_ip_from` (nginx is the edge: nobody in front of it vouches for the header).

## Why it matters in production
`$http_x_forwarded_for` is whatever the client sent, and nginx passes it on without adding the
address it actually saw. Any client can claim any address: it walks past per-IP rate limits and
login throttling by sending a new value with each request, lands in an IP allow-list, and writes
whatever it likes into the access and audit logs.

## Example
```nginx
proxy_set_header X-Forwarded-For $http_x_forwarded_for;
proxy_set_header X-Real-IP $http_x_forwarded_for;
```

## Use instead
```nginx
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
proxy_set_header X-Real-IP $remote_addr;
```
Behind a load balancer, let nginx take the client address from it with `set_real_ip_from <LB range>;`
and `real_ip_header X-Forwarded-For;`, then pass `$remote_addr`.

## Known limitations
A trusted proxy in front that is configured elsewhere (a cloud load balancer that overwrites the
header) is not visible: add `set_real_ip_from` to say so.

## References
- https://nginx.org/en/docs/http/ngx_http_realip_module.html
- https://nginx.org/en/docs/http/ngx_http_proxy_module.html#var_proxy_add_x_forwarded_for
- https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Forwarded-For#security_and_privacy_concerns
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import NginxContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._nginx import CLIENT_SUPPLIED
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RA-302",
    name="nginx-client-supplied-forwarded-for",
    category=Category.RATE_LIMITING,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.NGINX}),
    fix="Pass `$proxy_add_x_forwarded_for` / `$remote_addr`; behind a load balancer use `set_real_ip_from` and "
    "`real_ip_header`.",
    references=("https://nginx.org/en/docs/http/ngx_http_realip_module.html",),
)


@RULE.on_file(Language.NGINX)
def check(ctx: NginxContext) -> Iterator[Hit]:
    if ctx.is_test_file or ctx.config.find("set_real_ip_from"):
        return
    for header in ctx.config.find("proxy_set_header"):
        if len(header.args) < 2 or header.args[0].lower() not in ("x-forwarded-for", "x-real-ip"):
            continue
        ctx.examine(RULE)
        value = " ".join(header.args[1:])
        if CLIENT_SUPPLIED.search(value) and "$remote_addr" not in value and "$proxy_add_x_forwarded_for" not in value:
            yield Hit(
                line=header.line,
                message=f"`{header.args[0]}` is set to the client-supplied `{value}`: any client can claim any "
                "address and walk past per-IP limits",
            )
