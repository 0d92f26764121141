"""Baselines: findings a team accepted, by fingerprint, so only new ones are reported."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prodready.engine.grouping import with_locations
from prodready.model import AuditReport, Finding

BASELINE_VERSION = 1


class BaselineError(ValueError):
    """The baseline file is missing or not a prodready baseline."""


def write_baseline(report: AuditReport, path: Path) -> int:
    # One entry per place: accepting a finding accepts its current places, not future ones.
    entries = [
        {"fingerprint": loc.fingerprint or f.fingerprint, "rule": f.rule, "path": loc.path, "line": loc.line,
         "message": loc.message or f.message}
        for f in report.findings
        for loc in f.all_locations
    ]
    data = {
        "prodready_baseline": BASELINE_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "target": report.target,
        "findings": entries,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    return len(entries)


def load_fingerprints(path: Path) -> set[str]:
    try:
        data: Any = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise BaselineError(f"baseline not found: {path}") from exc
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc}") from exc
    if isinstance(data, dict) and "prodready_baseline" in data:
        entries = data.get("findings")
        if not isinstance(entries, list):
            raise BaselineError(f"{path}: 'findings' must be a list")
        return {str(e["fingerprint"]) for e in entries if isinstance(e, dict) and "fingerprint" in e}
    if isinstance(data, dict) and data.get("schema_version") == 1 and isinstance(data.get("findings"), list):
        # A saved JSON report works too: accept every place of every finding in it.
        accepted: set[str] = set()
        for f in data["findings"]:
            if not isinstance(f, dict):
                continue
            locations = f.get("locations") or []
            accepted.update(str(loc["fingerprint"]) for loc in locations if isinstance(loc, dict) and loc.get("fingerprint"))
            if not locations and "fingerprint" in f:
                accepted.add(str(f["fingerprint"]))
        return accepted
    raise BaselineError(f"{path} is not a prodready baseline (create one with `prodready baseline`)")


def apply_baseline(report: AuditReport, fingerprints: set[str]) -> AuditReport:
    """Hide the accepted places; a finding with no place left is hidden whole."""
    kept: list[Finding] = []
    hidden = 0
    for finding in report.findings:
        if finding.fingerprint in fingerprints and not finding.locations:
            hidden += 1
            continue
        new = tuple(loc for loc in finding.all_locations if (loc.fingerprint or finding.fingerprint) not in fingerprints)
        hidden += len(finding.all_locations) - len(new)
        if not new:
            continue
        kept.append(finding if len(new) == len(finding.all_locations) else with_locations(finding, new))
    return replace(report, findings=kept, baselined=hidden)
