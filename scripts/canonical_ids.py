"""Rewrite old per-language rule ids (PR-TO-101, PR-TO-201, ...) to the rule id they became
(PR-TO-001) in fixture markers, `expect.toml` files and inline suppressions, after merging work
that still uses them. Idempotent; the old ids keep working for users, this only keeps the
repository on one id per problem (the fixture harness wants markers to name the rule id).

    .venv/bin/python scripts/canonical_ids.py [PATH ...]      # default: tests/fixtures/rules
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from prodready.rules.registry import rule_index

ROOT = Path(__file__).resolve().parent.parent


def old_to_new() -> dict[str, str]:
    return {alias: info.id for info in rule_index() for alias in info.aliases if alias.startswith("PR-")}


def rewrite(text: str, mapping: dict[str, str]) -> str:
    if not mapping:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(old) for old in sorted(mapping)) + r")\b")
    # A rule module's `aliases=(...)` line is where an old id must stay.
    return "".join(
        line if "aliases=(" in line else pattern.sub(lambda m: mapping[m.group(1)], line)
        for line in text.splitlines(keepends=True)
    )


def main(argv: list[str]) -> int:
    mapping = old_to_new()
    roots = [Path(a) for a in argv] or [ROOT / "tests" / "fixtures" / "rules"]
    changed = 0
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if path.name == "_index.py":  # generated (`make docs`), and its ALIASES table keeps the old ids
                continue
            try:
                text = path.read_text("utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            new = rewrite(text, mapping)
            if new != text:
                path.write_text(new, "utf-8")
                changed += 1
                print(path)
    print(f"{changed} file(s) rewritten", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
