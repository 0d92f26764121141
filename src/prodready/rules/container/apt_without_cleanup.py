"""`apt-get install` without cleaning the package lists

## What it does
Flags a RUN in the final stage that installs Debian/Ubuntu packages (`apt-get install`,
`apt install`) without removing `/var/lib/apt/lists` in the same RUN and without
`--no-install-recommends`. A RUN with a cache mount (`--mount=type=cache`) is fine.

## Why it matters in production
The package index (tens of MB) and every "recommended" package stay in the shipped layer: larger
images pull slower on every scale-out and node replacement, and each extra package is attack
surface that shows up in vulnerability scans. Removing the lists in a later RUN does not shrink
the earlier layer.

## Example
```dockerfile
RUN apt update && apt install -y postgresql-client
```

## Use instead
```dockerfile
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*
```

## Known limitations
Build stages that are not shipped are not judged; `apk`/`dnf` are not covered.

## References
- https://docs.docker.com/build/building/best-practices/#apt-get
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import DockerfileContext
from prodready.lang.dockerfile import line_within
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CT-311",
    name="apt-install-without-cleanup",
    category=Category.CONTAINER,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE}),
    fix="Install with --no-install-recommends and end the same RUN with `rm -rf /var/lib/apt/lists/*`.",
    references=("https://docs.docker.com/build/building/best-practices/#apt-get",),
)

INSTALL = lazy_compile(r"\bapt(-get)?\s+(-\S+\s+)*install\b")
CLEANUP = lazy_compile(r"/var/lib/apt/lists|apt-get\s+(-\S+\s+)*(dist)?clean\b.*rm\s")


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    for instruction in ctx.dockerfile.final_stage():
        if instruction.keyword != "RUN" or not INSTALL.search(instruction.value):
            continue
        ctx.examine(RULE)
        if "type=cache" in instruction.value:
            continue
        cleaned = bool(CLEANUP.search(instruction.value))
        lean = "--no-install-recommends" in instruction.value or "--no-install-suggests" in instruction.value
        if cleaned and lean:
            continue
        missing = [
            text
            for text, ok in (("rm -rf /var/lib/apt/lists/*", cleaned), ("--no-install-recommends", lean))
            if not ok
        ]
        yield Hit(
            line=line_within(ctx.lines, instruction, INSTALL),
            end_line=instruction.end_line,
            message=f"apt install without {' and '.join(missing)}: package lists and extra packages stay "
            "in the shipped layer",
        )
