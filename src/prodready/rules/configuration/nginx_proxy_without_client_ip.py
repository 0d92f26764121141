"""nginx proxies to the service without passing the client's address.

## What it does
Flags a `proxy_pass` to the service (a compose or Kubernetes service name, an `upstream` block,
localhost, a socket) where no `proxy_set_header X-Forwarded-For`, `X-Real-IP` or `Forwarded` is in
force. nginx inherits `proxy_set_header` only from the nearest level that sets any: one location
that sets `Host` alone drops the server's `X-Forwarded-For`. A configuration that holds only
`server` blocks is judged with the `http` block of the project's other nginx files.

## Why it matters in production
Behind the proxy every request comes from the proxy's address. Per-IP rate limits then put all
users in one bucket (one client's burst locks everyone out, or the limit is raised until it
protects nothing), login-attempt throttling and IP allow-lists stop working, and access and audit
logs name the proxy instead of the client.

## Example
```nginx
location /api/ {
    proxy_pass http://api:8000;
}
```

## Use instead
```nginx
location /api/ {
    proxy_pass http://api:8000;
    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
}
```
and make the service trust the proxy (`--forwarded-allow-ips` for gunicorn/uvicorn,
`app.set('trust proxy', 1)` in Express).

## Known limitations
An `include` of a snippet whose name suggests headers (`proxy_params`, `snippets/...`) is assumed
to set them. Proxies to external hosts (`https://api.example.com`) are not judged.

## References
- https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header
- https://docs.nginx.com/nginx/admin-guide/web-server/reverse-proxy/#passing-request-headers
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext, is_test_path
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-304",
    name="nginx-proxy-without-client-ip",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.NGINX}),
    fix="Set `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;` and `X-Real-IP $remote_addr;` "
    "where the location proxies (or once at server/http level, with no location overriding).",
    references=("https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    facts = ctx.model.facts
    http_states = {str(r.get("client_ip")) for r in facts.get("nginx_http", []) if not is_test_path(str(r["file"]))}
    # A server-blocks-only file inherits from whichever http block includes it.
    http_sets = bool(http_states - {"missing"})
    for proxy in facts.get("nginx_proxy", []):
        path = str(proxy.get("file", ""))
        if is_test_path(path) or not proxy.get("internal"):
            continue
        ctx.examine(RULE)
        if proxy.get("client_ip") != "missing" or (proxy.get("inherits") and http_sets):
            continue
        where = f"location `{proxy.get('location')}`" if proxy.get("location") else "this block"
        yield Hit(
            line=proxy.get("line"),
            path=path,
            message=f"{where} proxies to `{proxy.get('target')}` without X-Forwarded-For or X-Real-IP: the "
            "service sees every client as the proxy (rate limits, logs, allow-lists)",
        )
