"""A small Dockerfile reader: instructions with their line spans, stages and flags."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from prodready.lazyre import lazy_compile

_ESCAPE_DIRECTIVE = lazy_compile(r"^#\s*escape\s*=\s*(\S)", re.IGNORECASE)
_FLAG = lazy_compile(r"^--([a-zA-Z-]+)(?:=(\S*))?$")


@dataclass(frozen=True, slots=True)
class Instruction:
    keyword: str  # upper-case: FROM, RUN, USER, ...
    value: str  # arguments with continuations joined, comments removed
    line: int
    end_line: int
    stage: int  # index of the FROM stage this instruction belongs to
    flags: dict[str, str] = field(default_factory=dict)

    @property
    def exec_form(self) -> list[str] | None:
        """The JSON array form (``CMD ["a", "b"]``) if used, else None."""
        text = self.args_text.strip()
        if not text.startswith("["):
            return None
        import json

        try:
            parsed = json.loads(text)
        except ValueError:
            return None
        return [str(x) for x in parsed] if isinstance(parsed, list) else None

    @property
    def args_text(self) -> str:
        """The value without leading ``--flag`` options."""
        parts = self.value.split()
        while parts and _FLAG.match(parts[0]):
            parts.pop(0)
        return " ".join(parts)

    def words(self) -> list[str]:
        exec_form = self.exec_form
        if exec_form is not None:
            return exec_form
        try:
            return shlex.split(self.args_text, comments=False)
        except ValueError:
            return self.args_text.split()


PRODUCTION_STAGE = lazy_compile(r"(?i)^(release|prod|production|runtime|final)$")


def stage_name(stage: list[Instruction]) -> str:
    """The lower-cased name a stage is given by `FROM image AS name`, '' when it has none."""
    words = stage[0].args_text.split() if stage and stage[0].keyword == "FROM" else []
    return words[-1].lower() if len(words) >= 3 and words[-2].upper() == "AS" else ""


@dataclass(slots=True)
class Dockerfile:
    instructions: list[Instruction]
    lines: list[str]

    def stages(self) -> list[list[Instruction]]:
        result: list[list[Instruction]] = []
        for instruction in self.instructions:
            if instruction.keyword == "FROM" or not result:
                result.append([])
            result[-1].append(instruction)
        return result

    def final_stage(self) -> list[Instruction]:
        stages = self.stages()
        return stages[-1] if stages else []

    def production_stage(self) -> list[Instruction]:
        """The stage a multi-target Dockerfile ships: one named release/prod/production/runtime/final
        (later stages are often CI artifacts or test images), else the final stage."""
        stages = self.stages()
        for stage in stages:
            if PRODUCTION_STAGE.match(stage_name(stage)):
                return stage
        return stages[-1] if stages else []

    def shipped_stage(self) -> list[Instruction]:
        """The final stage with what it inherits: the instructions of the stages it is built FROM
        first, then its own (a CMD set in `FROM app AS app-plus`'s parent is the one that runs)."""
        final = self.final_stage()
        return [i for part in reversed(self.lineage(final)) for i in part] if final else []

    def lineage(self, stage: list[Instruction]) -> list[list[Instruction]]:
        """The stage, then the earlier stages it is built FROM (`FROM app AS app-plus`): what it inherits
        (USER, CMD, ENTRYPOINT) comes from them."""
        by_alias: dict[str, list[Instruction]] = {}
        for candidate in self.stages():
            if stage_name(candidate):
                by_alias.setdefault(stage_name(candidate), candidate)
        chain = [stage]
        while len(chain) < 10:
            first = chain[-1][0] if chain[-1] else None
            words = [w for w in first.args_text.split() if not w.startswith("--")] if first is not None and first.keyword == "FROM" else []
            parent = by_alias.get(words[0].lower()) if words else None
            if parent is None or any(parent is seen for seen in chain):
                break
            chain.append(parent)
        return chain

    def find(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


def parse_dockerfile(text: str) -> Dockerfile:
    lines = text.splitlines()
    escape = "\\"
    for raw in lines[:5]:
        match = _ESCAPE_DIRECTIVE.match(raw.strip())
        if match:
            escape = match.group(1)
    instructions: list[Instruction] = []
    stage = -1
    index = 0
    heredoc_end: str | None = None
    while index < len(lines):
        raw = lines[index]
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        start = index
        parts = [stripped]
        # Join continuation lines; comment lines inside a continuation are dropped (and do not end it).
        continued = parts[-1].endswith(escape)
        if continued:
            parts[-1] = parts[-1][: -len(escape)].rstrip()
        while continued and index + 1 < len(lines):
            index += 1
            nxt = lines[index].strip()
            if nxt.startswith("#"):
                continue
            continued = nxt.endswith(escape)
            parts.append(nxt[: -len(escape)].rstrip() if continued else nxt)
        joined = " ".join(p for p in parts if p)
        keyword, _, value = joined.partition(" ")
        keyword = keyword.upper()
        heredoc = re.search(r"<<-?\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)['\"]?", value)
        if heredoc and keyword in {"RUN", "COPY", "ADD"}:
            heredoc_end = heredoc.group(1)
            body: list[str] = []
            while index + 1 < len(lines):
                index += 1
                if lines[index].strip() == heredoc_end:
                    break
                body.append(lines[index])
            value = value + "\n" + "\n".join(body)
        if keyword == "FROM":
            stage += 1
        flags: dict[str, str] = {}
        for word in value.split():
            match = _FLAG.match(word)
            if not match:
                break
            flags[match.group(1).lower()] = match.group(2) or ""
        instructions.append(
            Instruction(
                keyword=keyword,
                value=value.strip(),
                line=start + 1,
                end_line=index + 1,
                stage=max(stage, 0),
                flags=flags,
            )
        )
        index += 1
    return Dockerfile(instructions=instructions, lines=lines)


def line_within(lines: list[str], instruction: Instruction, pattern: re.Pattern[str]) -> int:
    """The line of a multi-line instruction where `pattern` first matches (a reviewer points at the
    `apt-get install` or `PASSWORD=` line, not the `RUN`/`ENV` that starts it); else its first line."""
    for number in range(instruction.line, min(instruction.end_line, len(lines)) + 1):
        if pattern.search(lines[number - 1]):
            return number
    return instruction.line
