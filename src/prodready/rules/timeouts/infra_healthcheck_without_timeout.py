"""HEALTHCHECK without a timeout.

## What it does
Flags Dockerfile `HEALTHCHECK` instructions without `--timeout`, and compose `healthcheck:` blocks
without `timeout:`.

## Why it matters in production
The default timeout is 30 seconds: a hung endpoint keeps each probe waiting that long, so an
unhealthy container is detected minutes late, and probes pile up against a struggling service.

## Example
```dockerfile
HEALTHCHECK --interval=30s CMD curl -f http://localhost:8000/health || exit 1
```

## Use instead
```dockerfile
HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD ...
```

## Known limitations
None known.

## References
- https://docs.docker.com/reference/dockerfile/#healthcheck
- https://docs.docker.com/reference/compose-file/services/#healthcheck
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import DockerfileContext, YamlContext
from prodready.lang.yamldoc import YMap
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import dependencies_only

RULE = RuleMeta(
    id="PR-TO-301",
    name="healthcheck-without-timeout",
    category=Category.TIMEOUTS,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE, Language.COMPOSE}),
    fix="Give the health check an explicit short timeout (--timeout=3s / timeout: 3s).",
    references=("https://docs.docker.com/reference/dockerfile/#healthcheck",),
)


@RULE.on_file(Language.DOCKERFILE)
def check_dockerfile(ctx: DockerfileContext) -> Iterator[Hit]:
    for instruction in ctx.dockerfile.find("HEALTHCHECK"):
        if instruction.args_text.upper().startswith("NONE"):
            continue
        ctx.examine(RULE)
        if "timeout" not in instruction.flags:
            yield Hit(
                line=instruction.line,
                end_line=instruction.end_line,
                message="HEALTHCHECK without --timeout (default 30s)",
            )


@RULE.on_file(Language.COMPOSE)
def check_compose(ctx: YamlContext) -> Iterator[Hit]:
    if dependencies_only(ctx):
        return  # datastores started for local work or tests
    for document in ctx.documents:
        services = document.get("services") if isinstance(document, YMap) else None
        if not isinstance(services, YMap):
            continue
        for name, service in services.items():
            check = service.get("healthcheck") if isinstance(service, YMap) else None
            if not isinstance(check, YMap) or check.get("disable"):
                continue
            ctx.examine(RULE)
            if "timeout" not in check:
                yield Hit(
                    line=service.line_of("healthcheck"),
                    message=f"service `{name}` healthcheck without timeout",
                )
