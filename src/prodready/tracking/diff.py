"""Compare two JSON reports: fixed, new and still-open findings (a verification report after fixes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ReportFileError(ValueError):
    """A report file is missing or not a prodready JSON report."""


def load_report(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ReportFileError(f"report not found: {path}") from exc
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ReportFileError(f"cannot read {path}: not JSON ({str(exc)[:200]})") from exc
    if not isinstance(data, dict) or data.get("schema_version") != 1 or not isinstance(data.get("findings"), list):
        raise ReportFileError(f"{path} is not a prodready JSON report (schema_version 1)")
    # Findings without a fingerprint cannot be matched: dropped; missing fields shown as "".
    findings = []
    for item in data["findings"]:
        if isinstance(item, dict) and isinstance(item.get("fingerprint"), str):
            for key in ("rule", "severity", "message"):
                item[key] = str(item.get(key, "") or "")
            findings.append(item)
    data["findings"] = findings
    return data


@dataclass
class Diff:
    fixed: list[dict[str, Any]]
    new: list[dict[str, Any]]
    still_open: list[dict[str, Any]]

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        return {"fixed": self.fixed, "new": self.new, "still_open": self.still_open}


def instances(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every place of every finding, by its own fingerprint: fixes are tracked place by place."""
    out: dict[str, dict[str, Any]] = {}
    for finding in report["findings"]:
        if not isinstance(finding, dict):
            continue
        locations = [loc for loc in finding.get("locations") or [] if isinstance(loc, dict)]
        if not locations:
            out[str(finding.get("fingerprint"))] = finding
            continue
        for loc in locations:
            key = str(loc.get("fingerprint") or finding.get("fingerprint"))
            out[key] = {k: v for k, v in finding.items() if k != "locations"} | {
                "fingerprint": key, "path": loc.get("path"), "line": loc.get("line"),
                "message": loc.get("message") or finding.get("message", ""),
            }
    return out


def diff_reports(old: dict[str, Any], new: dict[str, Any]) -> Diff:
    old_by = instances(old)
    new_by = instances(new)
    return Diff(
        fixed=[f for fp, f in old_by.items() if fp not in new_by],
        new=[f for fp, f in new_by.items() if fp not in old_by],
        still_open=[f for fp, f in new_by.items() if fp in old_by],
    )


def _loc(f: dict[str, Any]) -> str:
    return f"{f.get('path') or '(project)'}{':' + str(f['line']) if f.get('line') else ''}"


def diff_markdown(diff: Diff, old: dict[str, Any], new: dict[str, Any]) -> str:
    from prodready.report._safe import md_code, md_text

    total_old = len(instances(old))
    out = [
        "# Production Readiness — Verification Report",
        "",
        f"**Before:** {md_text(old.get('started_at', '?'))} — {md_text(old.get('verdict', '?'))} ({total_old} findings)  ",
        f"**After:** {md_text(new.get('started_at', '?'))} — {md_text(new.get('verdict', '?'))} ({len(instances(new))} findings)",
        "",
        f"**Fixed:** {len(diff.fixed)} of {total_old} · **New:** {len(diff.new)} · **Still open:** {len(diff.still_open)}",
        "",
    ]
    for title, items, mark in (("Fixed and verified", diff.fixed, "x"), ("New", diff.new, " "), ("Still open", diff.still_open, " ")):
        out += [f"## {title} ({len(items)})", ""]
        out += [
            f"- [{mark}] **{md_text(str(f['severity']).upper())}** {md_text(f['rule'])} {md_code(_loc(f))} — {md_text(f['message'])}"
            for f in items
        ] or ["None."]
        out.append("")
    return "\n".join(out)
