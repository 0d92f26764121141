"""Semgrep-style fixture markers, checked closed-world.

A marker comment (`# expect: RULE`, `// expect: RULE`, `ok:`, `todo-expect:`, `todo-ok:`) covers the
next non-blank, non-marker line. Running ONLY the rule under test, the sorted (path, line) list
must equal the `expect` lines. Project-wide findings (line null) are declared in `expect.toml`.

A case directory is named by a rule id, or by the old id of one of its per-language matchers
(`PR-TO-101/`: the JavaScript matcher of PR-TO-001); markers always name the rule id.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from prodready.api import AuditSettings, audit
from prodready.config import Config
from prodready.rules.registry import canonical_id

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"
MARKER = re.compile(r"(?:#|//)\s*(expect|ok|todo-expect|todo-ok):\s*([A-Z0-9-]+(?:\s*,\s*[A-Z0-9-]+)*)")


@dataclass(frozen=True)
class Case:
    key: str  # the case's directory: a rule id, or the old id of one of the rule's matchers
    path: Path  # a file or a directory

    @property
    def rule_id(self) -> str:
        """The id the case's findings carry and its markers name."""
        return canonical_id(self.key) or self.key

    @property
    def name(self) -> str:
        return f"{self.key}/{self.path.name}"


def all_cases() -> list[Case]:
    cases = []
    for rule_dir in sorted(FIXTURES.glob("*/*")):
        if not rule_dir.is_dir():
            continue
        for entry in sorted(rule_dir.iterdir()):
            if entry.name.startswith(".") and entry.is_file() and not entry.name.startswith(".env"):
                continue
            if entry.name.endswith(".expect.toml"):
                continue
            cases.append(Case(rule_dir.name, entry))
    return cases


def markers(root: Path, rule_id: str) -> dict[str, set[tuple[str, int | None]]]:
    """kind -> {(relpath, line)} for markers naming this rule, in every file under root."""
    found: dict[str, set[tuple[str, int | None]]] = {k: set() for k in ("expect", "ok", "todo-expect", "todo-ok")}
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for file in files:
        rel = file.name if root.is_file() else file.relative_to(root).as_posix()
        try:
            lines = file.read_text("utf-8").splitlines()
        except (UnicodeDecodeError, OSError):
            continue
        for index, line in enumerate(lines):
            match = MARKER.search(line)
            if not match:
                continue
            rules = {r.strip() for r in match.group(2).split(",")}
            if rule_id not in rules:
                continue
            target = index + 1
            while target < len(lines) and (not lines[target].strip() or MARKER.search(lines[target])):
                target += 1
            found[match.group(1)].add((undotted(rel), target + 1))
    expect_toml = (root / "expect.toml") if root.is_dir() else root.with_name(root.name + ".expect.toml")
    if expect_toml.is_file():
        data = tomllib.loads(expect_toml.read_text("utf-8"))
        for item in data.get("findings", []):
            if item.get("rule", rule_id) == rule_id:
                found["expect"].add((undotted(item.get("path", "")), item.get("line")))
    return found


def undotted(relpath: str) -> str:
    """Fixtures store `.gitignore`/`.env`/`.dockerignore` as `dot.gitignore`/`dot.env`/... so they
    do not act on this repository; the harness renames them when it copies a case."""
    parts = relpath.split("/")
    return "/".join("." + p[4:] if p.startswith("dot.") else p for p in parts)


def _undot(root: Path) -> None:
    for path in sorted(root.rglob("dot.*"), key=lambda p: len(p.parts), reverse=True):
        path.rename(path.with_name("." + path.name[4:]))


def run_case(case: Case, tmp_path: Path) -> tuple[set[tuple[str, int | None]], list[str]]:
    """Run only the rule under test on the case; return (path, line) of its findings."""
    if case.path.is_dir():
        target = tmp_path / "case"
        shutil.copytree(case.path, target, ignore=shutil.ignore_patterns("expect.toml"))
        _undot(target)
    else:
        target = tmp_path / "case"
        target.mkdir()
        shutil.copy(case.path, target / case.path.name)
        _undot(target)
    settings = AuditSettings(use_cache=False, jobs=1, config=Config(), select=frozenset({case.rule_id}))
    report = audit(target, settings)
    got = {(loc.path or "", loc.line) for f in report.findings if f.rule == case.rule_id for loc in f.all_locations}
    messages = [f"{loc.path}:{loc.line}: {loc.message or f.message}" for f in report.findings for loc in f.all_locations]
    return got, messages
