"""Unpinned or `latest` base image.

## What it does
Flags `FROM` lines whose image has no tag, the `latest` tag, or a channel tag that names no
version (`node:lts-alpine`, `node:current`, `debian:bookworm`... `python:slim`), and no digest. References to
earlier build stages, `scratch` and images named through build arguments are ignored.

## Why it matters in production
An unpinned base changes under you: a rebuild for a one-line fix can pull a new OS, a new Python or
Node major version, and break the service — or silently change its security posture. Builds stop
being reproducible and rollbacks stop meaning anything.

## Example
```dockerfile
FROM python:latest
```

## Use instead
```dockerfile
FROM python:3.12.7-slim-bookworm
```

## Known limitations
Tags that float within a major version (`python:3`) are accepted.

## References
- https://docs.docker.com/build/building/best-practices/#from
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prodready.engine.context import DockerfileContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._docker import base_image

RULE = RuleMeta(
    id="PR-CT-303",
    name="unpinned-base-image",
    category=Category.CONTAINER,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE}),
    fix="Pin the base image to a specific version tag (and ideally a digest).",
    references=("https://docs.docker.com/build/building/best-practices/#from",),
)


# Tags that name a channel, not a version: node:lts-alpine, node:current, python:slim.
FLOATING = re.compile(r"^(lts|current|stable|edge|rolling)([-._][a-z]+)*$|^(alpine|slim|bookworm|bullseye|buster|jammy|noble)$")


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    stages: set[str] = set()
    for instruction in ctx.dockerfile.find("FROM"):
        words = instruction.args_text.split()
        image = base_image(instruction)
        if len(words) >= 3 and words[-2].lower() == "as":
            stages.add(words[-1].lower())
        if not image or image.lower() in stages or image == "scratch" or "$" in image:
            continue
        ctx.examine(RULE)
        if "@" in image:
            continue
        name_tag = image.rsplit("/", 1)[-1]
        tag = name_tag.split(":", 1)[1] if ":" in name_tag else None
        if tag is None or tag == "latest":
            yield Hit(
                line=instruction.line,
                message=f"base image `{image}` is {'unpinned' if tag is None else 'latest'}",
            )
        elif FLOATING.match(tag):
            yield Hit(
                line=instruction.line,
                message=f"base image `{image}` uses the moving tag `{tag}`: the runtime's major version changes between builds",
            )
