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
        "warnings": report.warnings,
        "suppressed_findings": [f.to_json() | {"justification": reason} for f, reason in report.suppressed_findings],
        "project_file": report.project_file,
    }


class JsonReporter:
    name = "json"
    suffix = ".json"

    def render(self, report: AuditReport) -> str:
        return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"


def report_from_dict(data: dict[str, Any]) -> AuditReport:
    """Rebuild an AuditReport from a saved JSON report (for `prodready report` and `diff`)."""
    from prodready.model import Category, CheckTally, Finding, SkippedFile

    files = data.get("files", {})
    return AuditReport(
        target=str(data.get("target", "")),
        started_at=str(data.get("started_at", "")),
        duration_s=float(data.get("duration_s", 0.0)),
        findings=[Finding.from_json(f) for f in data.get("findings", [])],
        checks=[CheckTally(Category(c["category"]), c["rule"], int(c["examined"]), int(c["passed"])) for c in data.get("checks", [])],
        facts=dict(data.get("facts", {})),
        files_scanned=int(data.get("summary", {}).get("files_scanned", 0)),
        files_by_language=dict(files.get("by_language", {})),
        skipped=[SkippedFile(s["path"], s["reason"]) for s in files.get("skipped", [])],
        suppressed=int(data.get("suppressed", 0)),
        baselined=int(data.get("baselined", 0)),
        unused_suppressions=list(data.get("unused_suppressions", [])),
        tool_version=str(data.get("tool", {}).get("version", "")),
        warnings=[str(w) for w in data.get("warnings", []) or []],
        suppressed_findings=[
            (Finding.from_json(f), str(f.get("justification", "")))
            for f in data.get("suppressed_findings", []) if isinstance(f, dict)
        ],
        project_file=data.get("project_file"),
    )
