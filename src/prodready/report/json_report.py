"""The versioned JSON contract (schema_version 1)."""

from __future__ import annotations

import json
from typing import Any

from prodready.model import AuditReport

SCHEMA_VERSION = 1


def report_to_dict(report: AuditReport) -> dict[str, Any]:
    counts = report.counts()
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "prodready", "version": report.tool_version},
        "target": report.target,
        "started_at": report.started_at,
        "duration_s": report.duration_s,
        "verdict": report.verdict.value,
        "summary": {**counts, "files_scanned": report.files_scanned},
        "findings": [f.to_json() for f in report.findings],
        "checks": [c.to_json() for c in report.checks],
        "facts": report.facts,
        "files": {
            "by_language": report.files_by_language,
            "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
        },
        "suppressed": report.suppressed,
        "baselined": report.baselined,
        "unused_suppressions": report.unused_suppressions,
    }


class JsonReporter:
    name = "json"
    suffix = ".json"

    def render(self, report: AuditReport) -> str:
        return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"
