"""Image on a release line that reached end of life

## What it does
Reads the version in the tag of each `FROM` of a Dockerfile and of each compose service `image:`,
and flags the release lines whose upstream support has ended by the day of the audit:
`node:12-alpine`, `python:3.8-slim`, `golang:1.19`, `postgres:12`, `mongo:4.2.1`, `nginx:1.17`,
`ubuntu:18.04`, `debian:buster`, `alpine:3.16`, `mysql:5.7`, `redis:5`. The operating system a
language image is built on counts too (`node:22-alpine3.16`, `python:3.12-buster`). The image that
ships is found through the stages it is built `FROM` (`FROM node:18 AS base` ... `FROM base`); a
build stage on a toolchain out of support for over a year is reported as such (a Go binary
carries the standard library of the compiler that built it; a Node build runs an unpatched runtime
and npm on the build machine). The dates
come from the knowledge table `prodready/knowledge/images.toml` (from the projects' release
policies). Untagged and floating tags are PR-CT-303's; unknown images are not judged.

## Why it matters in production
An end-of-life line gets no more security fixes: every CVE published after that day stays open in
the running container, scanners flag the image on every build, and the eventual forced upgrade
jumps several major versions at once, under pressure.

## Example
```dockerfile
FROM node:12-alpine
```

## Use instead
```dockerfile
FROM node:22-alpine
```

## Known limitations
Images from private registries with their own tags, and distribution-specific extended support
(Ubuntu Pro, Debian LTS by third parties), are not known.

## References
- https://endoflife.date/
- https://docs.docker.com/build/building/best-practices/#from
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from prodready.engine.context import DockerfileContext, YamlContext
from prodready.knowledge import ImageLines, image_lines
from prodready.lang.dockerfile import Instruction, stage_name
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import services
from prodready.rules.container._docker import base_image

RULE = RuleMeta(
    id="PR-CT-321",
    name="end-of-life-image",
    category=Category.CONTAINER,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE, Language.COMPOSE}),
    fix="Move to a supported release line of the image (and pin it), then keep it on a supported line.",
    references=("https://endoflife.date/",),
)

VERSION = lazy_compile(r"^v?(\d+(?:\.\d+){0,2})")


def _line(image: str) -> tuple[ImageLines, str, date] | None:
    """(the image's table, the release line, its end-of-life day) for `name:tag`, else None."""
    if "@" in image or ":" not in image.rsplit("/", 1)[-1]:
        return None
    path, tag = image.rsplit(":", 1)
    name = path.rsplit("/", 1)[-1].lower()
    if path.count("/") > 1 or (path.count("/") == 1 and not path.startswith(("library/", "docker.io/"))):
        return None  # someone else's image that happens to share the name
    table = image_lines().get(name)
    if table is None:
        return None
    candidates = []
    version = VERSION.match(tag)
    if version:
        parts = version.group(1).split(".")
        candidates += [".".join(parts[:2]), parts[0]]
    candidates += [word for word in re.split(r"[-_.]", tag.lower()) if word.isalpha()]  # codenames: buster, bionic
    for candidate in candidates:
        if candidate in table.lines:
            return table, candidate, table.lines[candidate]
    return None


OS_VARIANT = lazy_compile(r"(?:^|[-_])(alpine)(\d+\.\d+)|(?:^|[-_])(stretch|buster|bullseye|bionic|xenial|focal)(?:$|[-_])")


def _os_line(image: str) -> tuple[ImageLines, str, date] | None:
    """The operating-system release a language image's tag names (`node:18-alpine3.16`), else None."""
    name_tag = image.rsplit("/", 1)[-1]
    if "@" in image or ":" not in name_tag or name_tag.split(":", 1)[0].lower() in ("alpine", "debian", "ubuntu"):
        return None
    match = OS_VARIANT.search(name_tag.split(":", 1)[1].lower())
    if not match:
        return None
    distro, line = (match.group(1), match.group(2)) if match.group(1) else (
        "ubuntu" if match.group(3) in ("bionic", "xenial", "focal") else "debian", match.group(3))
    table = image_lines().get(distro)
    if table is None or line not in table.lines:
        return None
    return table, line, table.lines[line]


# A build stage runs for minutes on the build machine and moves with the team's upgrade cycle: it
# is reported once its line has been out of support for a year (node:12, golang:1.15), not the day
# after (node:20 in a builder in 2026). The image that ships is reported from the first day.
BUILD_STAGE_GRACE = timedelta(days=365)


def _verdict(image: str, *, grace: timedelta = timedelta(0)) -> str | None:
    for found in (_line(image), _os_line(image)):
        if found is None:
            continue
        table, line, ended = found
        if ended + grace <= date.today():
            return f"`{image}`: {table.name} {line} reached end of life on {ended.isoformat()} (no more security fixes)"
    return None


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    dockerfile = ctx.dockerfile
    stages = dockerfile.stages()
    if not stages:
        return
    shipped = {id(stage[0]) for stage in dockerfile.lineage(stages[-1]) if stage}
    for stage in stages:
        instruction = stage[0]
        if instruction.keyword != "FROM":
            continue
        image = base_image(instruction)
        if not image or "$" in image or image.lower() in _earlier_stage_names(stages, stage):
            continue
        ctx.examine(RULE)
        if id(instruction) in shipped:
            verdict = _verdict(image)
            if verdict:
                yield Hit(line=instruction.line, message=f"base image {verdict}")
        else:
            verdict = _verdict(image, grace=BUILD_STAGE_GRACE)
            if verdict:
                yield Hit(line=instruction.line, message=f"build stage image {verdict}: the build runs an unpatched toolchain")


def _earlier_stage_names(stages: list[list[Instruction]], upto: list[Instruction]) -> set[str]:
    """Names of the stages before `upto`: `FROM base` refers to one of them, not to an image."""
    names: set[str] = set()
    for stage in stages:
        if stage is upto:
            break
        name = stage_name(stage)
        if name:
            names.add(name.lower())
    return names


@RULE.on_file(Language.COMPOSE)
def check_compose(ctx: YamlContext) -> Iterator[Hit]:
    for _block, name, service in services(ctx):
        image = service.get("image")
        if not isinstance(image, str) or "$" in image:
            continue
        ctx.examine(RULE)
        verdict = _verdict(image.strip())
        if verdict:
            yield Hit(line=service.line_of("image"), message=f"service `{name}` runs {verdict}")
