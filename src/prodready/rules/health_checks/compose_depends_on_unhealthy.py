"""`depends_on` without a health condition.

## What it does
Flags compose `depends_on` entries in the short (list) form, or with `condition: service_started`,
for dependencies that are databases, caches or brokers (or that define a healthcheck).

## Why it matters in production
`depends_on` alone waits for the container to start, not for the database to accept connections.
The service boots, fails its first connections, and either crashes in a loop or serves errors until
a restart — on every deploy and every host reboot.

## Example
```yaml
depends_on:
  - db
```

## Use instead
```yaml
depends_on:
  db:
    condition: service_healthy
```

## Known limitations
Development compose files are skipped. A service with its own retry-on-start logic is still reported.

## References
- https://docs.docker.com/compose/how-tos/startup-order/
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
    id="PR-HC-304",
    name="compose-depends-on-unhealthy",
    category=Category.HEALTH_CHECKS,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.COMPOSE}),
    fix="Give the dependency a healthcheck and use depends_on: {db: {condition: service_healthy}}.",
    references=("https://docs.docker.com/compose/how-tos/startup-order/",),
    aliases=("PR-CT-309",),
)

STATEFUL = lazy_compile(
    r"(?i)(postgres|mysql|mariadb|mongo|redis|valkey|rabbitmq|kafka|elasticsearch|opensearch|db|database|cache|broker|nats|memcached|cassandra|clickhouse)"
)


@RULE.on_file(Language.COMPOSE)
def check(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    for block, name, service in services(ctx):
        depends = service.get("depends_on")
        if depends is None:
            continue
        ctx.examine(RULE)
        weak: list[str] = []
        if isinstance(depends, YList):
            weak = [str(d) for d in depends]
        elif isinstance(depends, YMap):
            weak = [
                str(d)
                for d, spec in depends.items()
                if not (
                    isinstance(spec, YMap)
                    and spec.get("condition") in {"service_healthy", "service_completed_successfully"}
                )
            ]
        relevant = []
        for dependency in weak:
            target = block.get(dependency)
            image = str(target.get("image", "")) if isinstance(target, YMap) else ""
            has_check = isinstance(target, YMap) and isinstance(target.get("healthcheck"), YMap)
            if has_check or STATEFUL.search(dependency) or STATEFUL.search(image):
                relevant.append(dependency)
        if relevant:
            yield Hit(
                line=service.line_of("depends_on"),
                message=f"service `{name}` starts before {', '.join(relevant)} is ready (no service_healthy condition)",
            )
