"""Walking compose files: every service of every document, with the mapping that holds it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import YamlContext
from prodready.lang.yamldoc import YList, YMap
from prodready.lazyre import lazy_compile

# Compose files for development, overrides and CI are where dev settings belong.
DEV_COMPOSE = lazy_compile(r"(?i)(^|[./-])(dev|development|local|override|debug|test|testing|ci|docs)([./-]|$)")


# Images of the datastores and infrastructure a service depends on (not the service itself).
DEPENDENCY_IMAGE = lazy_compile(
    r"(?i)^([\w.-]+/)*(postgres|postgis|mysql|mariadb|redis|valkey|keydb|mongo|rabbitmq|nats|elasticsearch|opensearch|"
    r"memcached|minio|localstack|mailhog|mailpit|zookeeper|kafka|cp-kafka|etcd|consul|clickhouse|cassandra|adminer|"
    r"pgadmin4?|dpage/pgadmin4|jaegertracing|prom/prometheus|grafana|cockroach|timescaledb|influxdb)([:@/-]|$)"
)


def is_dev_compose(path: str, ctx: YamlContext | None = None) -> bool:
    """A compose file for development, overrides or CI — by name, or (given its context) a file
    that only starts datastores and infrastructure for local work: no service builds or runs the
    project's own code (a PostgreSQL version matrix for tests, `docker compose up db redis`)."""
    if DEV_COMPOSE.search(path.rsplit("/", 1)[-1]):
        return True
    return ctx is not None and (dependencies_only(ctx) or declared_local(ctx))


LOCAL_HEADER = lazy_compile(
    r"(?i)\b(local|development|dev)[ -](development|stack|environment|setup|only|use)\b|not (meant |intended )?for production|"
    r"production (runs|is deployed|deploys) (on|to|via|with)"
)


def declared_local(ctx: YamlContext) -> bool:
    """The file's opening comment says it is a local/development stack ("Local development stack.
    Production runs on Railway"): its services are not the deployment."""
    header = []
    for line in ctx.text.splitlines()[:15]:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        header.append(stripped)
    return bool(LOCAL_HEADER.search(" ".join(header)))


def dependencies_only(ctx: YamlContext) -> bool:
    known = ctx.memo.get("compose-dependencies-only") if hasattr(ctx, "memo") else None
    if known is not None:
        return bool(known)
    found = list(services(ctx))
    answer = bool(found) and all(
        "build" not in service and isinstance(service.get("image"), str) and bool(DEPENDENCY_IMAGE.match(str(service.get("image"))))
        for _block, _name, service in found
    )
    if hasattr(ctx, "memo"):
        ctx.memo["compose-dependencies-only"] = answer
    return answer


def services(ctx: YamlContext) -> Iterator[tuple[YMap, str, YMap]]:
    """(services mapping, service name, service) for each service in the file."""
    for document in ctx.documents:
        block = document.get("services") if isinstance(document, YMap) else None
        if not isinstance(block, YMap):
            continue
        for name, service in block.items():
            if isinstance(service, YMap):
                yield block, str(name), service


def environment(service: YMap) -> Iterator[tuple[str, Any, int]]:
    """(key, value, line) of a service's environment, in map or `KEY=value` list form."""
    env = service.get("environment")
    if isinstance(env, YMap):
        for key, value in env.items():
            yield str(key), value, env.line_of(key)
    elif isinstance(env, YList):
        for index, item in enumerate(env):
            if isinstance(item, str) and "=" in item:
                key, value = item.split("=", 1)
                yield key, value, env.line_of(index)
