"""nginx proxies and what client-address headers reach them, for the project pass.

A `conf.d/*.conf` file holds `server` blocks only; the `http` block that includes it (and may set
`proxy_set_header X-Forwarded-For` for every server) is in another file, so whether a proxied
location passes the client's address is decided once every file is read.
"""

from __future__ import annotations

from prodready.engine.context import NginxContext
from prodready.model import Language
from prodready.redact import redact
from prodready.rules._nginx import client_ip_state, headers_in_force, upstream_is_internal
from prodready.rules.base import FactCollector

FACTS = FactCollector("nginx")
# headers that close clickjacking and MIME sniffing (HSTS or COOP alone do not)
PROTECTIVE_HEADERS = {"content-security-policy", "x-frame-options", "x-content-type-options"}


@FACTS.on_file(Language.NGINX)
def nginx(ctx: NginxContext) -> None:
    config = ctx.config
    for block in config.walk():
        if block.name == "http" and block.is_block:
            headers, _top = headers_in_force(block.children()[0], config) if block.children() else ([], True)
            state = "unknown" if headers is None else client_ip_state(headers)
            ctx.emit("nginx_http", line=block.line, client_ip=state)
    for directive in config.find("add_header"):
        if directive.args and directive.args[0].lower() in PROTECTIVE_HEADERS:
            ctx.emit("signal", line=directive.line, name="security-headers", detail=f"nginx add_header {directive.args[0]}")
            break
    for directive in config.find("proxy_pass"):
        if not directive.args:
            continue
        headers, reached_top = headers_in_force(directive, config)
        ctx.emit(
            "nginx_proxy",
            line=directive.line,
            target=redact(directive.args[0]),
            internal=upstream_is_internal(directive.args[0]),
            client_ip="unknown" if headers is None else client_ip_state(headers),
            # nothing set in this file up to its top, and no http block here: an including file decides
            inherits=reached_top and not config.has_http_block,
            location=" ".join(directive.parent.args) if directive.parent is not None else "",
        )
