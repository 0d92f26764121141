"""nginx knowledge shared by the collector and the rules: headers in force at a directive."""

from __future__ import annotations

import ipaddress
import re

from prodready.lang.nginx import Directive, NginxConfig
from prodready.lazyre import lazy_compile

CLIENT_IP_HEADERS = frozenset({"x-forwarded-for", "x-real-ip", "forwarded"})
# Variables holding what the client sent, not what nginx saw.
CLIENT_SUPPLIED = lazy_compile(r"\$(http_x_forwarded_for|http_x_real_ip|http_forwarded)\b", re.IGNORECASE)
# Upstream host names that are inside the deployment (compose service, Kubernetes service, localhost).
_INTERNAL_SUFFIXES = (".svc", ".local", ".internal", ".cluster.local", ".lan", ".docker", ".localhost")


def headers_in_force(directive: Directive, config: NginxConfig) -> tuple[list[Directive] | None, bool]:
    """The `proxy_set_header` directives in force where ``directive`` runs, and whether the search
    reached the file's top without finding any. None: an `include` at the deciding level may set
    them (unknown). nginx inherits these directives from the nearest level that has any."""
    level: Directive | None = directive.parent
    while True:
        items = (level.block or []) if level is not None else config.directives
        headers = [d for d in items if d.name == "proxy_set_header"]
        includes = [d for d in items if d.name == "include" and _may_set_headers(d)]
        if headers:
            if includes and not any(_names_client_ip(d) for d in headers):
                return None, False
            return headers, False
        if includes:
            return None, False
        if level is None:
            return [], True
        level = level.parent


# Includes that may hold `proxy_set_header` lines (Debian's proxy_params, shared snippets); not
# mime.types, fastcgi/uwsgi params or a conf.d/*.conf of server blocks.
_HEADER_INCLUDE = lazy_compile(r"(?i)proxy|header|forward|real.?ip|common|shared|snippets?/|security")


def _may_set_headers(include: Directive) -> bool:
    return any(_HEADER_INCLUDE.search(arg) for arg in include.args)


def _names_client_ip(header: Directive) -> bool:
    return bool(header.args) and header.args[0].lower() in CLIENT_IP_HEADERS


def client_ip_state(headers: list[Directive]) -> str:
    """'ok' when the client's address is passed on, 'spoofable' when only a client-supplied header
    is, 'missing' when no client-address header is set."""
    relevant = [h for h in headers if _names_client_ip(h) and len(h.args) >= 2]
    if not relevant:
        return "missing"
    if all(CLIENT_SUPPLIED.search(" ".join(h.args[1:])) and "$remote_addr" not in " ".join(h.args[1:])
           and "$proxy_add_x_forwarded_for" not in " ".join(h.args[1:]) for h in relevant):
        return "spoofable"
    return "ok"


def upstream_is_internal(target: str) -> bool:
    """`http://api:8000`, `http://unix:/run/app.sock`, `http://backend` (an upstream block),
    `http://$upstream`: the service behind this proxy. `https://api.github.com`: somebody else's."""
    rest = re.sub(r"^[a-z]+://", "", target.strip(), flags=re.IGNORECASE)
    host = re.split(r"[/:]", rest, maxsplit=1)[0].lower()
    if not host or "$" in host or host in ("unix", "localhost") or "." not in host:
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    return host.endswith(_INTERNAL_SUFFIXES)
