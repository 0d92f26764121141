"""The terminal summary: a compact review that fits 80 columns (one line per finding, in the order
to fix them), and ``concise``: one ``path:line:col: ID message`` line per finding for editors and CI."""

from __future__ import annotations

import io
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from prodready.lazyre import lazy_compile
from prodready.model import AuditReport, Severity, Verdict
from prodready.report._safe import strip_controls as safe
from prodready.report.review import BEFORE_LAUNCH, FIRST_WEEK, LATER, Defect, build_review

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

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


Part = tuple[str, str]  # (text, Rich style)
Line = tuple[Part, ...] | None  # one physical line, or None for a blank one


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
    from rich.text import Text

    for line in report_lines(report, show_evidence=show_evidence):
        if line is None:
            console.print()
        else:
            _line(console, Text.assemble(*line))


def report_lines(report: AuditReport, *, show_evidence: bool = False) -> Iterator[Line]:
    """The terminal review, line by line, as styled parts (no Rich needed to build it)."""
    review = build_review(report)
    counts = report.counts()
    yield ((f" {report.verdict.value} ", VERDICT_STYLE[report.verdict]),
           (f"  {safe(report.target)}  ({report.files_scanned} files, {report.duration_s:.2f}s)", ""))
    for warning in report.warnings:
        yield ("warning: ", "bold yellow"), (safe(warning), "")
    tally: list[Part] = []
    for severity in Severity:
        if counts[severity.value]:
            tally += [(f"{counts[severity.value]} {severity.value}", SEVERITY_STYLE[severity]), ("  ", "")]
    yield tuple(tally) if tally else (("no findings", "green"),)
    for phase, members in review.phases:
        yield None
        yield (f"{phase} ({len(members)})", "bold"), (f"  {PHASE_SHORT[phase]}", "dim")
        for defect in members:
            severity = defect.finding.severity
            label = f"{SHORT[severity]}-{defect.label.rsplit('-', 1)[1]}"
            yield ((" ", ""), (f"{label:<8}", SEVERITY_STYLE[severity]),
                   (f"{safe(_location(defect)):<{LOCATION_WIDTH}} ", "bold"), (safe(defect.finding.message), ""))
            if show_evidence:
                for text in (defect.finding.evidence.splitlines()[:2]):
                    yield ("          │ ", "dim"), (safe(text.strip()), "")
                yield ("          fix: ", "green"), (safe(defect.fix), "")
    yield None
    if review.deciding:
        first = review.deciding[0]
        yield ("Fix first: ", "bold"), (safe(f"{first.label} {first.fix}"), "")
    languages = ", ".join(f"{n} {lang}" for lang, n in report.files_by_language.items())
    yield ((f"Examined: {languages}" if languages else "Examined: no files", "dim"),)
    if report.skipped:
        reasons = Counter(s.reason.split(" (")[0].split(":")[0] for s in report.skipped)
        summary = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()))
        yield ((f"Skipped {len(report.skipped)} file(s): {safe(summary)}", "yellow"),)
    passed = sum(1 for c in report.checks if c.passed == c.examined)
    yield ((
        f"Checks: {len(report.checks)} rules examined code, {passed} passed everywhere."
        + (f" Suppressed: {report.suppressed}." if report.suppressed else "")
        + (f" Baselined: {report.baselined}." if report.baselined else ""), "dim"),)
    for unused in report.unused_suppressions:
        yield (("unused suppression", "yellow"),
               (f" {safe(unused['path'])}:{safe(unused['line'])} {safe(str(unused['rules'] or 'all rules'))}", ""))
    if report.findings:
        yield (("Evidence, why and fixes: prodready audit PATH -f markdown -o review.md", "dim"),)


def print_report(report: AuditReport) -> None:
    """The terminal review on stdout. When Rich would print no styles there (stdout is a pipe or
    a file, no FORCE_COLOR), the same text is written without loading Rich: a tenth of the time
    of a small audit."""
    width = _plain_width()
    if width is not None:
        text = plain_text(report_lines(report), width)
        if text is not None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
    from rich.console import Console

    render_report(report, Console(highlight=False, emoji=False))


def _plain_width() -> int | None:
    """The width Rich's Console(file=stdout) would crop to, when it would print plain text
    (not a terminal, not Jupyter or IDLE, no variable forcing colour); None otherwise."""
    import builtins

    env = os.environ
    stream = sys.stdout
    if sys.platform == "win32" or stream is None or hasattr(builtins, "get_ipython"):
        return None
    if any(name in env for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")):
        return None
    if getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return None
    if not (getattr(stream, "encoding", None) or "").lower().replace("-", "").startswith("utf8"):
        return None
    try:
        if stream.isatty():
            return None
    except (ValueError, AttributeError):
        return None
    columns = env.get("COLUMNS")
    if columns is not None and columns.isdigit():
        width: int | None = int(columns)
    else:
        width = None
        for descriptor in (0, 1, 2):  # as Rich does: the first standard stream that is a terminal
            try:
                width = os.get_terminal_size(descriptor).columns
            except (AttributeError, ValueError, OSError):
                continue
            break
        width = width or 80
    return width if width is not None and width >= 20 else None


def plain_text(lines: Iterable[Line], width: int) -> str | None:
    """The lines as Rich prints them unstyled at ``width`` (no wrap, cropped with an ellipsis);
    None when a line holds a character whose cell width needs Rich's tables (or a tab, newline)."""
    out = []
    for line in lines:
        if line is None:
            out.append("")
            continue
        text = "".join(part for part, _ in line)
        if not _SINGLE_CELL(text):
            return None
        if len(text) > width:
            text = text[: width - 1] + "…"
        out.append(text)
    return "\n".join(out) + "\n"


# Printable ASCII and the ellipsis: one terminal cell each, in Rich as anywhere.
_SINGLE_CELL = lazy_compile("^[\x20-\x7e…]*$").match


class TextReporter:
    name = "text"
    suffix = ".txt"

    def render(self, report: AuditReport) -> str:
        from rich.console import Console

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
