"""Compose service without resource limits or restart policy.

## What it does
Reports compose services that have no memory/CPU limit (`deploy.resources.limits`,
`mem_limit`, `cpus`) and/or no restart policy (`restart:` or `deploy.restart_policy`), once per
compose file: the finding names every such service and what each one misses, and points at the
project's own service (the first one with `build:`) when it is among them. A reviewer writes this
up once per stack, not once per service.

## Why it matters in production
Without limits one leaking or runaway container takes the host's memory and CPU from every other
service (and the OOM killer picks a victim at random). Without a restart policy a crashed service
stays down until someone notices.

## Example
```yaml
services:
  api:
    build: .
```

## Use instead
```yaml
services:
  api:
    build: .
    restart: unless-stopped
    deploy:
      resources:
        limits: {cpus: "1", memory: 512M}
```

## Known limitations
Development compose files (`*.dev.yml`, `*.override.yml`, `*.local.yml`) and one-off tool
services (migrations, tests) are skipped. Limits set by the orchestrator are not visible.

## References
- https://docs.docker.com/reference/compose-file/deploy/#resources
- https://docs.docker.com/reference/compose-file/services/#restart
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import YamlContext
from prodready.lang.yamldoc import YMap
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import is_dev_compose, services

RULE = RuleMeta(
    id="PR-CT-308",
    name="compose-service-unbounded",
    category=Category.CONTAINER,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.COMPOSE}),
    fix="Add deploy.resources.limits (memory, cpus) and restart: unless-stopped to each long-running service.",
    references=("https://docs.docker.com/reference/compose-file/deploy/#resources",),
)

ONE_OFF = lazy_compile(r"(?i)(migrat|test|setup|init|seed|build|lint|docs)")


@RULE.on_file(Language.COMPOSE)
def check(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    lacking: list[tuple[int, str, list[str], bool]] = []
    for block, name, service in services(ctx):
        if ONE_OFF.search(name) or service.get("profiles"):
            continue
        ctx.examine(RULE)
        deploy = service.get("deploy") if isinstance(service.get("deploy"), YMap) else YMap()
        resources = deploy.get("resources") if isinstance(deploy, YMap) else None
        limits = (
            (isinstance(resources, YMap) and isinstance(resources.get("limits"), YMap))
            or service.get("mem_limit")
            or service.get("cpus")
        )
        restart = service.get("restart") or (isinstance(deploy, YMap) and deploy.get("restart_policy"))
        missing = [
            label for label, ok in (("resource limits", limits), ("restart policy", restart)) if not ok
        ]
        if missing:
            lacking.append((block.line_of(name), name, missing, service.get("build") is not None))
    if not lacking:
        return
    # One finding per file, at the project's own service when it is one of them.
    line, name, missing, _ = next((entry for entry in lacking if entry[3]), lacking[0])
    others = [other for _, other, _, _ in lacking if other != name]
    also = f" (also {', '.join(f'`{o}`' for o in others)})" if others else ""
    yield Hit(line=line, message=f"service `{name}` has no {' and no '.join(missing)}{also}")
