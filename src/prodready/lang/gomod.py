"""go.mod `require` lines: (module, version, line), for the dependency facts and the advisory rule."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def go_requirements(lines: Iterable[str]) -> Iterator[tuple[str, str, int]]:
    """Every required module, from `require (...)` blocks and single `require m v` lines ("" when a
    line names no version)."""
    in_block = False
    for number, raw in enumerate(lines, start=1):
        words = raw.split("//", 1)[0].split()
        if words[:2] == ["require", "("]:
            in_block = True
        elif in_block and words == [")"]:
            in_block = False
        elif in_block and words:
            yield words[0], words[1] if len(words) > 1 else "", number
        elif len(words) >= 2 and words[0] == "require" and words[1] != "(":
            yield words[1], words[2] if len(words) > 2 else "", number
