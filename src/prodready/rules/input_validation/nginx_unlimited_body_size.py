"""nginx accepts request bodies of any size: `client_max_body_size 0`.

## What it does
Flags `client_max_body_size 0`, which turns nginx's request-body limit off.

## Why it matters in production
nginx buffers request bodies before proxying them (to disk past the in-memory buffer), so one
client can stream gigabytes into the proxy's temporary directory until the disk is full, and tie
up a worker connection while doing it — the service's own upload limit never gets a say, because
the request has not reached it yet. The default is 1 MB; raising it to what uploads need is safe,
switching it off is not.

## Example
```nginx
client_max_body_size 0;
```

## Use instead
```nginx
client_max_body_size 25m;   # the largest upload the service accepts
```

## Known limitations
Locations that stream bodies through (`proxy_request_buffering off`) to a service that enforces
its own limit are flagged too: suppress them with the reason.

## References
- https://nginx.org/en/docs/http/ngx_http_core_module.html#client_max_body_size
- https://cwe.mitre.org/data/definitions/770.html
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import NginxContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-301",
    name="nginx-unlimited-body-size",
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.NGINX}),
    fix="Set `client_max_body_size` to the largest upload the service accepts (e.g. `25m`), not 0.",
    references=("https://nginx.org/en/docs/http/ngx_http_core_module.html#client_max_body_size",),
)


@RULE.on_file(Language.NGINX)
def check(ctx: NginxContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    for directive in ctx.config.find("client_max_body_size"):
        ctx.examine(RULE)
        if directive.args and directive.args[0].strip().lower() in ("0", "0k", "0m", "0g"):
            yield Hit(line=directive.line, message="`client_max_body_size 0` switches the body limit off: one "
                      "client can fill the proxy's disk with a single upload")
