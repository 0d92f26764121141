"""The terminal summary: a compact review that fits 80 columns (one line per finding, in the order
to fix them), and ``concise``: one ``path:line:col: ID message`` line per finding for editors and CI."""

from __future__ import annotations

import io
from collections import Counter

from rich.console import Console
from rich.text import Text

from prodready.model import AuditReport, Severity, Verdict
from prodready.report._safe import strip_controls as safe
from prodready.report._safe import term
from prodready.report.review import BEFORE_LAUNCH, FIRST_WEEK, LATER, Defect, build_review

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
VERDICT_STYLE = {
    Verdict.NOT_READY: "bold white on red",
    Verdict.READY_WITH_RECOMMENDATIONS: "bold black on yellow",
    Verdict.READY: "bold white on green",
}
SHORT = {Severity.CRITICAL: "CRIT", Severity.HIGH: "HIGH", Severity.MEDIUM: "MED", Severity.LOW: "LOW", Severity.INFO: "INFO"}
LOCATION_WIDTH = 26
PHASE_SHORT = {BEFORE_LAUNCH: "critical and high", FIRST_WEEK: "medium", LATER: "low, or accept in a baseline"}


def _line(console: Console, text: Text | str) -> None:
    """One physical line, never wrapped: too long ends in an ellipsis."""
    console.print(text, no_wrap=True, overflow="ellipsis", crop=True, highlight=False)


def _location(defect: Defect) -> str:
    location = defect.location
    extra = len(defect.places) - 1
    suffix = f" +{extra}" if extra else ""
    room = LOCATION_WIDTH - len(suffix)
    if len(location) > room:
        location = "…" + location[-(room - 1):]
    return location + suffix


def render_report(report: AuditReport, console: Console, *, show_evidence: bool = False) -> None:
    review = build_review(report)
    counts = report.counts()
    header = Text()
    header.append(f" {report.verdict.value} ", style=VERDICT_STYLE[report.verdict])
    header.append(f"  {safe(report.target)}  ({report.files_scanned} files, {report.duration_s:.2f}s)")
    _line(console, header)
    for warning in report.warnings:
        _line(console, Text.assemble(("warning: ", "bold yellow"), safe(warning)))
    tally = Text()
    for severity in Severity:
        if counts[severity.value]:
            tally.append(f"{counts[severity.value]} {severity.value}", style=SEVERITY_STYLE[severity])
            tally.append("  ")
    _line(console, tally if tally.plain else Text("no findings", style="green"))
    for phase, members in review.phases:
        console.print()
        _line(console, Text.assemble((f"{phase} ({len(members)})", "bold"), (f"  {PHASE_SHORT[phase]}", "dim")))
        for defect in members:
            severity = defect.finding.severity
            label = f"{SHORT[severity]}-{defect.label.rsplit('-', 1)[1]}"
            row = Text(" ")
            row.append(f"{label:<8}", style=SEVERITY_STYLE[severity])
            row.append(f"{safe(_location(defect)):<{LOCATION_WIDTH}} ", style="bold")
            row.append(safe(defect.finding.message))
            _line(console, row)
            if show_evidence:
                for text in (defect.finding.evidence.splitlines()[:2]):
                    _line(console, Text.assemble(("          │ ", "dim"), safe(text.strip())))
                _line(console, Text.assemble(("          fix: ", "green"), safe(defect.fix)))
    console.print()
    if review.deciding:
        first = review.deciding[0]
        _line(console, Text.assemble(("Fix first: ", "bold"), safe(f"{first.label} {first.fix}")))
    languages = ", ".join(f"{n} {lang}" for lang, n in report.files_by_language.items())
    _line(console, Text(f"Examined: {languages}" if languages else "Examined: no files", style="dim"))
    if report.skipped:
        reasons = Counter(s.reason.split(" (")[0].split(":")[0] for s in report.skipped)
        summary = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()))
        _line(console, Text(f"Skipped {len(report.skipped)} file(s): {safe(summary)}", style="yellow"))
    passed = sum(1 for c in report.checks if c.passed == c.examined)
    _line(console, Text(
        f"Checks: {len(report.checks)} rules examined code, {passed} passed everywhere."
        + (f" Suppressed: {report.suppressed}." if report.suppressed else "")
        + (f" Baselined: {report.baselined}." if report.baselined else ""), style="dim"))
    for unused in report.unused_suppressions:
        _line(console, f"[yellow]unused suppression[/] {term(unused['path'])}:{term(unused['line'])}"
                       f" {term(str(unused['rules'] or 'all rules'))}")
    if report.findings:
        _line(console, Text("Evidence, why and fixes: prodready audit PATH -f markdown -o review.md", style="dim"))


class TextReporter:
    name = "text"
    suffix = ".txt"

    def render(self, report: AuditReport) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, width=100, no_color=True, highlight=False, emoji=False)
        render_report(report, console, show_evidence=True)
        return buffer.getvalue()


class ConciseReporter:
    """``path:line:col: ID message`` — one line per finding, for editors, grep and CI logs."""

    name = "concise"
    suffix = ".txt"

    def render(self, report: AuditReport) -> str:
        lines = []
        for finding in sorted(report.findings, key=lambda f: (f.path or "", f.line or 0, f.rule)):
            others = finding.all_locations[1:]
            more = ""
            if others:
                places = ", ".join(str(loc.line) if loc.path == finding.path else f"{loc.path}:{loc.line}" for loc in others[:8])
                more = f" (also at {places}{', …' if len(others) > 8 else ''})"
            message = " ".join(finding.message.split())
            lines.append(f"{finding.path or '.'}:{finding.line or 1}:1: {finding.rule} [{finding.severity.value}] {message}{more}")
        counts = report.counts()
        lines.append(f"{report.verdict.value}: " + ", ".join(f"{counts[s.value]} {s.value}" for s in Severity))
        return "\n".join(lines) + "\n"
