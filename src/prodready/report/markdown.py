"""Markdown report in the structure of the seed reviews, with evidence instead of claims."""

from __future__ import annotations

from pathlib import PurePath

from prodready.model import AuditReport, Severity
from prodready.report._common import (
    by_category,
    checklists,
    config_matrix,
    numbered,
    passed_checks,
    phases,
    risk_rows,
)
from prodready.report._safe import md_cell, md_code, md_text, strip_controls

FENCE_LANG = {".py": "python", ".go": "go", ".ts": "typescript", ".tsx": "tsx", ".js": "javascript", ".yml": "yaml", ".yaml": "yaml"}


def _fence(text: str, path: str | None) -> str:
    language = "dockerfile" if path and "dockerfile" in path.lower() else FENCE_LANG.get(PurePath(path or "").suffix, "text")
    text = strip_controls(text, keep_newlines=True)  # `cat report.md` must not run escape sequences
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{language}\n{text}\n{fence}"


def _code_cell(value: object) -> str:
    return md_code(value).replace("|", "\\|")


def _cell(value: object) -> str:
    return md_cell(value)


class MarkdownReporter:
    name = "markdown"
    suffix = ".md"

    def render(self, report: AuditReport) -> str:
        items = numbered(report)
        counts = report.counts()
        name = PurePath(report.target).name or report.target
        out: list[str] = [
            f"# Production Readiness Report — {md_text(name)}",
            "",
            f"**Date:** {report.started_at}  ",
            f"**Target:** {md_code(report.target)}  ",
            f"**Tool:** prodready {report.tool_version} ({report.files_scanned} files in {report.duration_s:.2f}s)  ",
            f"**Verdict:** **{report.verdict.value}**",
            "",
            *[f"> **Warning:** {md_text(w)}  " for w in report.warnings],
            *([""] if report.warnings else []),
            "## Executive summary",
            "",
            "| Severity | Findings |",
            "|---|---|",
            *[f"| {s.value} | {counts[s.value]} |" for s in Severity],
            "",
        ]
        categories = by_category(report)
        if categories:
            out += ["| Category | critical | high | medium | low | info |", "|---|---|---|---|---|---|"]
            for category, tally in categories.items():
                out.append(f"| {category} | " + " | ".join(str(tally.get(s.value, 0)) for s in Severity) + " |")
            out.append("")
        top = [i for i in items if i.finding.severity.rank >= Severity.HIGH.rank][:5]
        if top:
            out += ["Most urgent:", ""] + [f"- **{i.label}** {md_text(i.title)} — {md_code(i.location)}" for i in top] + [""]
        out += ["## Findings", ""]
        if not items:
            out += ["No findings.", ""]
        for item in items:
            finding = item.finding
            out += [
                f"### {item.label}: {md_text(item.title)}",
                "",
                f"**Location:** {md_code(item.location)} · **Rule:** {md_text(finding.rule)} · **Category:** {finding.category.value}"
                f" · **Confidence:** {finding.confidence.value}",
                "",
                f"**Issue:** {md_text(finding.message)}",
                "",
            ]
            if finding.evidence:
                out += ["**Evidence:**", "", _fence(finding.evidence, finding.path), ""]
            if item.why:
                out += [f"**Why it matters:** {' '.join(item.why.split())}", ""]
            out += [f"**Fix:** {finding.fix}", ""]
            if item.example:
                out += ["**Example:**", "", item.example, ""]
        out += ["## Checked and passed", "", "| Category | Rules run | Candidates examined | Passed | Rules with no finding |", "|---|---|---|---|---|"]
        for check in passed_checks(report):
            out.append(f"| {check['category']} | {check['rules']} | {check['examined']} | {check['passed']} | {_cell(', '.join(check['clean_rules'][:4]) or '—')} |")
        out.append("")
        matrix = config_matrix(report)
        out += ["## Configuration matrix", ""]
        if matrix:
            out += ["| Variable | Read at | Default | Documented | Looks secret | Production note |", "|---|---|---|---|---|---|"]
            for row in matrix:
                out.append(
                    f"| {_code_cell(row['name'])} | {_cell(', '.join(row['read_at'][:3]))} | {_cell(row['default'] if row['default'] is not None else '—')} | "
                    f"{'yes' if row['documented'] else 'no'} | {'yes' if row['secret'] else 'no'} | {_cell(row['note'])} |"
                )
        else:
            out.append("No environment variables read by the code were found.")
        out.append("")
        pre, post = checklists(report, items)
        out += ["## Deployment checklist", "", "### Pre-deployment", ""] + [f"- [ ] {_cell(line)}" for line in pre]
        out += ["", "### Post-deployment", ""] + [f"- [ ] {_cell(line)}" for line in post] + [""]
        out += ["## Risk assessment", "", "| Category | Findings | Worst | Risk |", "|---|---|---|---|"]
        for risk in risk_rows(report):
            out.append(f"| {risk['category']} | {risk['findings']} | {risk['worst']} | {risk['risk']} |")
        out += ["", "## Implementation order", ""]
        for title, members in phases(items):
            out += [f"### {title}", ""] + [f"{n}. {m.label} {md_text(m.title)} ({md_code(m.location)})" for n, m in enumerate(members, 1)] + [""]
        out += ["## Files examined", "", "| Language | Files |", "|---|---|"]
        out += [f"| {_cell(lang)} | {count} |" for lang, count in report.files_by_language.items()]
        if report.skipped:
            out += ["", f"Skipped {len(report.skipped)} file(s):", ""] + [f"- {md_code(s.path)}: {md_text(s.reason)}" for s in report.skipped[:50]]
        if report.suppressed or report.baselined:
            out += ["", f"Suppressed inline/config: {report.suppressed}; accepted in baseline: {report.baselined}."]
        return "\n".join(out).rstrip() + "\n"
