"""Helpers for Dockerfile and compose rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from prodready.lazyre import lazy_compile

if TYPE_CHECKING:  # (annotations only: the project pass loads this module for every tree)
    from prodready.lang.dockerfile import Instruction

DEV_SERVER = lazy_compile(
    r"(--reload\b|\bflask\s+run\b|\bnpm\s+run\s+dev\b|\byarn\s+dev\b|\bpnpm\s+(run\s+)?dev\b|\bnext\s+dev\b|"
    r"\bnodemon\b|manage\.py\s+runserver|\bvite(\s|$)(?!build|preview)|\bng\s+serve\b|--debug\b|"
    r"\bfastapi\s+dev\b|\bair\b\s*$|\bts-node-dev\b)"
)
SLIM_BASE = lazy_compile(r"(?i)(-slim|alpine|distroless|scratch|chainguard|busybox|ubi-micro|-minimal)")


def command_text(instruction: Instruction) -> str:
    words = instruction.exec_form
    return " ".join(words) if words is not None else instruction.args_text


def start_commands(stage: Iterable[Instruction]) -> Iterator[tuple[Instruction, str]]:
    """The CMD/ENTRYPOINT instructions that take effect in a stage (the last of each: an inherited or
    earlier one is overridden), with their command text (exec or shell form)."""
    effective = {i.keyword: i for i in stage if i.keyword in {"CMD", "ENTRYPOINT"}}
    for instruction in sorted(effective.values(), key=lambda i: i.line):
        yield instruction, command_text(instruction)


def base_image(instruction: Instruction) -> str:
    words = [w for w in instruction.args_text.split() if not w.startswith("--")]
    return words[0] if words else ""


DEV_IMAGE = lazy_compile(r"(?i)(^|[./-])(dev|development|local|debug|test|testing|e2e|ci|docs|gitpod|devcontainer)([./-]|$)")


def is_dev_image(path: str) -> bool:
    """Dockerfile.dev, compose/local/node/Dockerfile, e2e/Dockerfile, .gitpod.Dockerfile,
    .devcontainer/Dockerfile: images never run in production."""
    return any(DEV_IMAGE.search(part) for part in path.split("/"))


def start_instructions(stage: list[Instruction]) -> tuple[Instruction | None, Instruction | None]:
    """The (ENTRYPOINT, CMD) that take effect in a stage: the last of each, or None."""
    entrypoint = command = None
    for instruction in stage:
        if instruction.keyword == "ENTRYPOINT":
            entrypoint = instruction
        elif instruction.keyword == "CMD":
            command = instruction
    return entrypoint, command
