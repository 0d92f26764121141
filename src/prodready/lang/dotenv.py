"""``.env`` files: KEY=VALUE entries with their line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from prodready.lazyre import lazy_compile

_LINE = lazy_compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(.*)$")


@dataclass(frozen=True, slots=True)
class EnvEntry:
    key: str
    value: str
    line: int


def parse_dotenv(text: str) -> list[EnvEntry]:
    entries: list[EnvEntry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(raw)
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        if value[:1] in {'"', "'"}:
            quote = value[0]
            end = value.find(quote, 1)
            value = value[1:end] if end > 0 else value[1:]
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
        entries.append(EnvEntry(key=key, value=value, line=number))
    return entries
