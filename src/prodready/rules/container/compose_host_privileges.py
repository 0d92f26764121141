"""Compose service shares the host's namespaces or has root on the host

## What it does
Flags compose services with `privileged: true`, `pid: host`, `network_mode: host`, `ipc: host`,
`cap_add: [ALL]` or `SYS_ADMIN`, or a bind mount of the Docker socket (`/var/run/docker.sock`).
Development compose files are skipped; services whose image is a known agent that needs the access
(cAdvisor, node-exporter, Traefik/Portainer reading the socket, Watchtower) are not flagged for it.

## Why it matters in production
Each of these removes the isolation the container was supposed to give. With the Docker socket or
`privileged`, a compromised process is root on the host; with `pid: host` it sees (and can signal)
every process on the machine, reading their environment variables and secrets; `network_mode: host`
exposes every port it opens on the host's interfaces.

## Example
```yaml
  app:
    build: .
    pid: "host"
```

## Use instead
```yaml
  app:
    build: .
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
```

## Known limitations
Settings added by an orchestrator outside the compose file are not seen.

## References
- https://docs.docker.com/reference/compose-file/services/#pid
- https://docs.docker.com/engine/security/#docker-daemon-attack-surface
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import YamlContext
from prodready.lang.yamldoc import YList, YMap
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import is_dev_compose, services

RULE = RuleMeta(
    id="PR-CT-314",
    name="compose-host-privileges",
    category=Category.CONTAINER,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.COMPOSE}),
    fix="Remove privileged/host namespaces and the Docker socket mount; grant only the specific capability needed.",
    references=("https://docs.docker.com/engine/security/#docker-daemon-attack-surface",),
)

AGENTS = lazy_compile(
    r"(?i)(cadvisor|node-exporter|node_exporter|traefik|portainer|watchtower|datadog|dd-agent|newrelic|"
    r"promtail|fluent|filebeat|metricbeat|docker:.*dind|dind|nginx-proxy|docker-gen|autoheal|vector|"
    r"falco|sysdig|netdata|glances|pihole|wireguard|openvpn|tailscale|home-assistant|homeassistant|plex|jellyfin|"
    r"emby|homebridge)"
)


@RULE.on_file(Language.COMPOSE)
def check(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    for _block, name, service in services(ctx):
        ctx.examine(RULE)
        if AGENTS.search(str(service.get("image") or "")):
            continue
        for key, value, why in (
            ("privileged", True, "runs privileged: root on the host if the process is compromised"),
            ("pid", "host", "shares the host's process namespace: it sees every process and its environment"),
            ("network_mode", "host", "uses the host's network: every port it opens is open on the host"),
            ("ipc", "host", "shares the host's IPC namespace"),
        ):
            if key in service and str(service.get(key)).lower() == str(value).lower():
                yield Hit(line=service.line_of(key), message=f"service `{name}` {why}")
        caps = service.get("cap_add")
        if isinstance(caps, YList):
            for index, cap in enumerate(caps):
                if str(cap).upper().removeprefix("CAP_") in {"ALL", "SYS_ADMIN"}:
                    yield Hit(line=caps.line_of(index), message=f"service `{name}` adds capability {cap}")
        volumes = service.get("volumes")
        if isinstance(volumes, YList):
            for index, item in enumerate(volumes):
                source = str(item.get("source", "")) if isinstance(item, YMap) else str(item).split(":", 1)[0]
                if source.rstrip("/").endswith("docker.sock"):
                    yield Hit(
                        line=volumes.line_of(index),
                        message=f"service `{name}` mounts the Docker socket: control of Docker is root on the host",
                    )
