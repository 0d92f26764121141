"""Baselines: findings a team accepted, by fingerprint, so only new ones are reported."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prodready.model import AuditReport

BASELINE_VERSION = 1


class BaselineError(ValueError):
    """The baseline file is missing or not a prodready baseline."""


def write_baseline(report: AuditReport, path: Path) -> int:
    entries = [
        {"fingerprint": f.fingerprint, "rule": f.rule, "path": f.path, "line": f.line, "message": f.message}
        for f in report.findings
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
        return {  # a saved JSON report works too
            str(f["fingerprint"]) for f in data["findings"] if isinstance(f, dict) and "fingerprint" in f
        }
    raise BaselineError(f"{path} is not a prodready baseline (create one with `prodready baseline`)")


def apply_baseline(report: AuditReport, fingerprints: set[str]) -> AuditReport:
    kept = [f for f in report.findings if f.fingerprint not in fingerprints]
    return replace(report, findings=kept, baselined=len(report.findings) - len(kept))
