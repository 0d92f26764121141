"""The terminal summary: verdict, counts, findings grouped by category, files examined."""

from __future__ import annotations

import io
from collections import defaultdict

from rich.console import Console
from rich.table import Table

from prodready.model import AuditReport, Finding, Severity, Verdict
from prodready.report._safe import term

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


def render_report(report: AuditReport, console: Console, *, show_evidence: bool = True) -> None:
    counts = report.counts()
    console.print(
        f"[{VERDICT_STYLE[report.verdict]}] {report.verdict.value} [/]  "
        f"{term(report.target)}  ({report.files_scanned} files, {report.duration_s:.2f}s)"
    )
    for warning in report.warnings:
        console.print(f"[bold yellow]warning:[/] {term(warning)}")
    console.print(
        "  ".join(f"[{SEVERITY_STYLE[s]}]{s.value}: {counts[s.value]}[/]" for s in Severity)
    )
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        grouped[finding.category.value].append(finding)
    for category in sorted(grouped, key=lambda c: (-max(f.severity.rank for f in grouped[c]), c)):
        items = grouped[category]
        console.print()
        console.rule(f"[bold]{category}[/] ({len(items)})", align="left")
        for finding in items:
            location = finding.path or "(project)"
            if finding.line is not None:
                location += f":{finding.line}"
            console.print(
                f" [{SEVERITY_STYLE[finding.severity]}]{finding.severity.value.upper():8}[/] "
                f"[bold]{term(location)}[/] {term(finding.message)} [dim]{term(finding.rule)}[/]"
            )
            if show_evidence and finding.evidence:
                for line in finding.evidence.splitlines()[:3]:
                    console.print(f"           [dim]│[/] {term(line)}", highlight=False)
            console.print(f"           [green]fix:[/] {term(finding.fix)}", highlight=False)
    console.print()
    table = Table(title="Files examined", show_edge=False, title_justify="left")
    table.add_column("language")
    table.add_column("files", justify="right")
    for language, count in report.files_by_language.items():
        table.add_row(language, str(count))
    console.print(table)
    if report.skipped:
        reasons: dict[str, int] = defaultdict(int)
        for skip in report.skipped:
            reasons[skip.reason.split(" at ")[0].split(":")[0]] += 1
        summary = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()))
        console.print(f"[yellow]Skipped {len(report.skipped)} file(s):[/] {term(summary)}")
        for skip in report.skipped[:10]:
            console.print(f"  [dim]{term(skip.path)}: {term(skip.reason)}[/]")
    passed = sum(1 for c in report.checks if c.passed == c.examined)
    console.print(
        f"Checks: {len(report.checks)} rules examined code, {passed} passed everywhere."
        + (f" Suppressed: {report.suppressed}." if report.suppressed else "")
        + (f" Baselined: {report.baselined}." if report.baselined else "")
    )
    for unused in report.unused_suppressions:
        console.print(
            f"[yellow]unused suppression[/] {term(unused['path'])}:{term(unused['line'])}"
            f" {term(str(unused['rules'] or 'all rules'))}"
        )


class TextReporter:
    name = "text"
    suffix = ".txt"

    def render(self, report: AuditReport) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, width=110, no_color=True, highlight=False, emoji=False)
        render_report(report, console)
        return buffer.getvalue()
