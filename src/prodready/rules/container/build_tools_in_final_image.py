"""Compilers and build tools shipped in the final image.

## What it does
Flags a final stage that installs compilers and build packages (`build-essential`, `gcc`, `g++`,
`make`, `*-dev` headers, `git`) and has no earlier build stage: a single-stage build that carries
its toolchain into production. Also flags a single-stage build of a compiled language — a
`golang`/`rust`/`maven`/`gradle` base image that compiles (`go build`, `cargo build`, `mvn package`)
and ships the compiler, sources and module cache with the binary.

## Why it matters in production
The image is hundreds of megabytes larger (slower pulls, slower scaling, more storage), and every
extra package is attack surface and CVE noise; a compiler in the image helps an intruder.

## Example
```dockerfile
FROM python:3.12
RUN apt-get update && apt-get install -y build-essential
COPY . .
```

## Use instead
```dockerfile
FROM python:3.12-slim AS build
RUN apt-get update && apt-get install -y build-essential && pip wheel -r requirements.txt -w /wheels
FROM python:3.12-slim
COPY --from=build /wheels /wheels
RUN pip install /wheels/*
```

## Known limitations
Packages removed again in the same RUN (`apt-get purge`) are accepted.

## References
- https://docs.docker.com/build/building/multi-stage/
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prodready.engine.context import DockerfileContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CT-306",
    name="build-tools-in-final-image",
    category=Category.CONTAINER,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.DOCKERFILE}),
    fix="Use a multi-stage build: compile in a builder stage, copy only the artefacts into a slim final stage.",
    references=("https://docs.docker.com/build/building/multi-stage/",),
)

TOOLS = lazy_compile(r"\b(build-essential|gcc|g\+\+|clang|make|cmake|[\w.+-]+-dev|build-base|musl-dev)\b")
COMPILER_BASE = lazy_compile(r"^(docker\.io/)?(library/)?(golang|rust|maven|gradle|eclipse-temurin:[^ ]*jdk|openjdk:[^ ]*jdk)\b")
COMPILE = lazy_compile(r"\b(go build|go install|cargo build|mvn\b[^&;|]*\b(package|install)|gradle\b[^&;|]*\bbuild|\./gradlew\b)")
INSTALL = lazy_compile(r"\b(apt-get|apt|apk|yum|dnf|microdnf)\b[^&;|]*\b(install|add)\b")


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    stages = ctx.dockerfile.stages()
    if len(stages) != 1:
        return
    ctx.examine(RULE)
    base = stages[0][0].args_text.split()[0] if stages[0] and stages[0][0].keyword == "FROM" else ""
    if COMPILER_BASE.match(base):
        build = next((i for i in stages[0] if i.keyword == "RUN" and COMPILE.search(i.value)), None)
        if build is not None:
            yield Hit(
                line=build.line,
                end_line=build.end_line,
                message=f"single-stage build on `{base}`: the compiler, sources and build cache ship with the binary",
            )
            return
    for instruction in stages[0]:
        if instruction.keyword != "RUN" or not INSTALL.search(instruction.value):
            continue
        if re.search(r"\b(purge|remove|del)\b", instruction.value):
            continue
        match = TOOLS.search(
            instruction.value.split("install", 1)[-1] if "install" in instruction.value else instruction.value
        )
        if match:
            yield Hit(
                line=instruction.line,
                end_line=instruction.end_line,
                message=f"single-stage build installs {match.group(1)} into the final image",
            )
            return
