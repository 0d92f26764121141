"""Database, cache or broker port published on the host

## What it does
Flags `ports:` entries of a compose file that publish a datastore's port on every host
interface: PostgreSQL 5432, MySQL/MariaDB 3306, Redis 6379, MongoDB 27017, RabbitMQ 5672 and its
management UI 15672, Memcached 11211, Elasticsearch 9200/9300, Kafka 9092, NATS 4222/8222,
ZooKeeper 2181, Cassandra 9042, ClickHouse 8123/9000 (the latter only for a ClickHouse image).
Ports bound to `127.0.0.1` and `expose:` are fine; development and override compose files are
skipped.

## Why it matters in production
The application reaches the datastore over the compose network; publishing the port makes it
reachable from outside the host as well. Docker writes its own iptables rules, so a host firewall
(ufw) does not stop it. Exposed Redis, MongoDB and Elasticsearch instances, often with default or
no passwords, are found by internet scanners within hours and wiped or ransomed.

## Example
```yaml
  redis:
    image: redis:7
    ports:
      - 6379:6379
```

## Use instead
```yaml
  redis:
    image: redis:7
    expose: ["6379"]          # or no ports at all; or "127.0.0.1:6379:6379" for local tools
```

## Known limitations
A datastore on a non-standard port is recognised by its image name only when the container port
is its default port.

## References
- https://docs.docker.com/engine/network/packet-filtering-firewalls/
- https://docs.docker.com/reference/compose-file/services/#ports
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import YamlContext
from prodready.lang.yamldoc import YList, YMap
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import is_dev_compose, services

RULE = RuleMeta(
    id="PR-CT-312",
    name="compose-datastore-port-published",
    category=Category.CONTAINER,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.COMPOSE}),
    fix="Remove the `ports:` mapping (services reach it over the compose network) or bind it to 127.0.0.1.",
    references=("https://docs.docker.com/engine/network/packet-filtering-firewalls/",),
)

DATASTORE_PORTS = {
    5432: "PostgreSQL",
    3306: "MySQL",
    6379: "Redis",
    27017: "MongoDB",
    5672: "RabbitMQ (AMQP)",
    15672: "RabbitMQ management UI",
    11211: "Memcached",
    9200: "Elasticsearch",
    9300: "Elasticsearch transport",
    9092: "Kafka",
    4222: "NATS",
    8222: "NATS monitoring",
    2181: "ZooKeeper",
    9042: "Cassandra",
    8123: "ClickHouse HTTP",
}
IMAGE_PORTS = {"clickhouse": {9000: "ClickHouse native"}}
LOCAL_HOST = lazy_compile(r"^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$")


def _mapping(item: Any) -> tuple[str, int | None] | None:
    """(host ip, container port) of a published mapping, or None when nothing is published."""
    if isinstance(item, YMap):
        target = item.get("target")
        if item.get("published") in (None, ""):
            return None
        return str(item.get("host_ip", "")), _port(target)
    if isinstance(item, int):
        return None  # "6379" alone: an ephemeral host port, not the well-known one
    if not isinstance(item, str):
        return None
    text = item.split("/", 1)[0].strip()
    if text.startswith("["):  # [::1]:5432:5432
        host, _, rest = text[1:].partition("]")
        parts = [host, *rest.lstrip(":").split(":")]
    else:
        parts = text.split(":")
    if len(parts) == 1:
        return None
    host = parts[0] if len(parts) == 3 else ""
    return host, _port(parts[-1])


def _port(value: Any) -> int | None:
    text = str(value).split("-", 1)[0].strip()
    return int(text) if text.isdigit() else None


@RULE.on_file(Language.COMPOSE)
def check(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    for _block, name, service in services(ctx):
        ports = service.get("ports")
        if not isinstance(ports, YList):
            continue
        image = str(service.get("image") or "").lower()
        known = dict(DATASTORE_PORTS)
        for key, extra in IMAGE_PORTS.items():
            if key in image:
                known.update(extra)
        exposed: list[tuple[int, int]] = []  # (line, port)
        for index, item in enumerate(ports):
            mapping = _mapping(item)
            if mapping is None:
                continue
            ctx.examine(RULE)
            host, port = mapping
            if port in known and not LOCAL_HOST.match(host) and "$" not in host:
                exposed.append((ports.line_of(index), port))
        if exposed:
            what = ", ".join(f"{known[port]} {port}" for _line, port in exposed)
            yield Hit(
                line=exposed[0][0],
                end_line=exposed[-1][0],
                message=f"service `{name}` publishes {what} on every host interface: reachable from outside "
                "the host, past the host firewall",
            )
