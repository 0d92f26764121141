"""Golden tests on the bundled examples: the review's summary, grouping, order and length.

The digest (tests/report/golden/<example>.txt) pins what a reader sees first: the verdict, the
findings that decide it, the phases with their findings in order, and the length of the review.
When a rule change moves them on purpose, regenerate with
`PRODREADY_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/report/test_golden.py` and read the diff.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from rich.console import Console

from prodready.api import AuditSettings, audit
from prodready.model import AuditReport, Severity
from prodready.report.markdown import MarkdownReporter
from prodready.report.review import BEFORE_LAUNCH, FIRST_WEEK, LATER, PRIORITY_OF_PHASE, build_review
from prodready.report.terminal import ConciseReporter, render_report
from tests.helpers import ROOT

GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = {
    # example: (max lines before the appendix, max lines in all)
    "shop-api": (330, 560),
    "inventory-express": (230, 370),
}


@pytest.fixture(scope="module", params=sorted(EXAMPLES))
def example(request: pytest.FixtureRequest) -> tuple[str, AuditReport, str]:
    name = request.param
    report = audit(ROOT / "examples" / name, AuditSettings(use_cache=False))
    return name, report, MarkdownReporter().render(report)


def digest(report: AuditReport, markdown: str) -> str:
    review = build_review(report)
    main = markdown.split("\n---\n")[0]
    lines = [
        f"verdict: {report.verdict.value}",
        "counts: " + " ".join(f"{k}={v}" for k, v in report.counts().items()),
        f"defects: {len(review.defects)} locations: {sum(len(d.places) for d in review.defects)}",
        "deciding: " + ", ".join(f"{d.label} {d.rule}" for d in review.deciding),
    ]
    for phase, members in review.phases:
        lines.append(f"{phase}: " + ", ".join(f"{d.label} {d.rule}" + (f" x{len(d.places)}" if len(d.places) > 1 else "")
                                              for d in members))
    lines.append("risks: " + "; ".join(f"{r['area']} {r['priority']}" for r in review.risks))
    lines.append(f"lines: {main.count(chr(10)) // 25 * 25}+ main, {markdown.count(chr(10)) // 25 * 25}+ total")
    return "\n".join(lines) + "\n"


def test_digest_matches_golden(example: tuple[str, AuditReport, str]) -> None:
    name, report, markdown = example
    path = GOLDEN / f"{name}.txt"
    got = digest(report, markdown)
    if os.environ.get("PRODREADY_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(got)
    assert got == path.read_text(), f"review of {name} changed; see the module docstring to regenerate"


def test_length_targets(example: tuple[str, AuditReport, str]) -> None:
    name, _, markdown = example
    main_max, total_max = EXAMPLES[name]
    main = markdown.split("\n---\n")[0]
    assert main.count("\n") <= main_max, f"{name}: review body is {main.count(chr(10))} lines"
    assert markdown.count("\n") <= total_max, f"{name}: whole report is {markdown.count(chr(10))} lines"


def test_order_is_by_severity_and_consistent_with_phases_and_risks(example: tuple[str, AuditReport, str]) -> None:
    _, report, markdown = example
    review = build_review(report)
    phases = [d.phase for d in review.defects]
    assert phases == sorted(phases, key=[BEFORE_LAUNCH, FIRST_WEEK, LATER].index)
    for defect in review.defects:
        if defect.finding.severity.rank >= Severity.HIGH.rank:
            assert defect.phase == BEFORE_LAUNCH, defect.label
        if defect.finding.severity.rank <= Severity.LOW.rank:
            assert defect.phase == LATER, defect.label
    for _, members in review.phases:
        ranks = [d.finding.severity.rank for d in members]
        assert ranks == sorted(ranks, reverse=True)
    # Labels count up in the order of work, so HIGH-1 is the first high to fix.
    for severity in Severity:
        numbers = [int(d.label.rsplit("-", 1)[1]) for d in review.defects if d.finding.severity == severity]
        assert numbers == list(range(1, len(numbers) + 1))
    by_label = {d.label: d for d in review.defects}
    for row in review.risks:
        assert row["priority"] == PRIORITY_OF_PHASE[row["phase"]]
        assert all(by_label[label].phase == row["phase"] for label in row["labels"])
    assert all(d.phase == review.defects[0].phase for d in review.deciding)
    # The Markdown follows the same order: sections, then the table.
    labels = re.findall(r"^(?:### |\| )((?:CRITICAL|HIGH|MEDIUM|LOW|INFO)-\d+)", markdown, re.M)
    assert labels == [d.label for d in review.defects]


def test_one_entry_per_defect_with_every_location(example: tuple[str, AuditReport, str]) -> None:
    _, report, markdown = example
    review = build_review(report)
    for defect in review.defects:
        assert markdown.count(f"### {defect.label}:") + markdown.count(f"| {defect.label} |") == 1
        if 1 < len(defect.places) <= 4:
            for place in defect.places:
                assert f"`{place}`" in markdown
    assert "seed" not in markdown.lower()


def test_summary_names_the_service(example: tuple[str, AuditReport, str]) -> None:
    name, _, markdown = example
    summary = markdown.split("## Implementation order")[0]
    expected = {
        "shop-api": ["FastAPI service", "`Depends(get_current_user)`", "Redis", "compose services `api`",
                     "port 8000", "`prodready verify http://localhost:8000`"],
        "inventory-express": ["Express service", "`middleware requireAuth`", "PostgreSQL", "EXPOSE 3000",
                              "ports 8080:3000", "`prodready verify http://localhost:8080`"],
    }[name]
    for text in expected:
        assert text in summary, text
    for heading in ("**What decides it:**", "**Strengths**", "**What this review did not examine:**"):
        assert heading in summary


def test_fix_examples_follow_the_framework(example: tuple[str, AuditReport, str]) -> None:
    name, _, markdown = example
    if name == "shop-api":
        assert "from slowapi import Limiter" in markdown and "express-rate-limit" not in markdown
    else:
        assert 'require("express-rate-limit")' in markdown and "slowapi" not in markdown
        assert "APIRouter" not in markdown  # the route-auth example is Express, not FastAPI
        assert "curl -fsS -m 2 http://localhost:8080/healthz" in markdown


def test_terminal_fits_80_columns_without_wrapping(example: tuple[str, AuditReport, str]) -> None:
    _, report, _ = example
    buffer = io.StringIO()
    render_report(report, Console(file=buffer, width=80, no_color=True, highlight=False))
    lines = buffer.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    review = build_review(report)
    finding_lines = [line for line in lines if re.match(r"^ (CRIT|HIGH|MED|LOW|INFO)-\d+ ", line)]
    assert len(finding_lines) == len(review.defects)  # one line each: nothing wrapped
    assert len(lines) <= len(review.defects) + 16


def test_concise_is_one_line_per_finding(example: tuple[str, AuditReport, str]) -> None:
    _, report, _ = example
    lines = ConciseReporter().render(report).splitlines()
    assert len(lines) == len(report.findings) + 1
    for line in lines[:-1]:
        assert re.match(r"^[^\s:]+:\d+:\d+: PR-[A-Z]{2}-\d{3} \[(critical|high|medium|low|info)\] \S", line), line
    assert lines[-1].startswith(report.verdict.value)


def test_progress_bar_draws_on_stderr() -> None:
    """Shown when stderr is a terminal, even if stdout is redirected to a file or a pipe."""
    import sys

    from prodready.cli.audit import _progress_bar

    assert _progress_bar().console.file is sys.stderr
