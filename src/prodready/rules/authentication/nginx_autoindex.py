"""nginx lists directory contents: `autoindex on`.

## What it does
Flags `autoindex on` (and `fancyindex on`) in an nginx configuration.

## Why it matters in production
Any directory without an index file answers with the list of its files. Files nobody linked to
become discoverable: uploads of other users, backups and dumps dropped next to the assets, build
artefacts, `.env` or `.git` copied into the web root. Crawlers and scanners walk these listings
automatically.

## Example
```nginx
location /media/ {
    alias /srv/media/;
    autoindex on;
}
```

## Use instead
```nginx
location /media/ {
    alias /srv/media/;
    autoindex off;   # the default: serve files by exact name only
}
```

## Known limitations
A location deliberately published as a download index (a package mirror) is flagged as well:
suppress it with the reason.

## References
- https://nginx.org/en/docs/http/ngx_http_autoindex_module.html
- https://cwe.mitre.org/data/definitions/548.html
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import NginxContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-302",
    name="nginx-autoindex",
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.NGINX}),
    fix="Remove `autoindex on` (off is the default); serve files only by exact name.",
    references=("https://nginx.org/en/docs/http/ngx_http_autoindex_module.html",),
)


@RULE.on_file(Language.NGINX)
def check(ctx: NginxContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    for directive in ctx.config.walk():
        if directive.name not in ("autoindex", "fancyindex"):
            continue
        ctx.examine(RULE)
        if directive.args and directive.args[0].lower() == "on":
            where = directive.parent
            place = f" in location `{' '.join(where.args)}`" if where is not None and where.name == "location" else ""
            yield Hit(line=directive.line, message=f"`{directive.name} on`{place}: directories without an index "
                      "file list their contents to anyone")
