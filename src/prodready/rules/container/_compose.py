"""Walking compose files: every service of every document, with the mapping that holds it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import YamlContext
from prodready.lang.yamldoc import YList, YMap
from prodready.lazyre import lazy_compile

# Compose files for development, overrides and CI are where dev settings belong.
DEV_COMPOSE = lazy_compile(r"(?i)(^|[./-])(dev|development|local|override|debug|test|testing|ci|docs)([./-]|$)")


def is_dev_compose(path: str) -> bool:
    return bool(DEV_COMPOSE.search(path.rsplit("/", 1)[-1]))


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
