"""The terminal review written without Rich (stdout not a terminal) is the text Rich prints."""

from __future__ import annotations

import io
import sys

import pytest
from rich.console import Console

from prodready.api import AuditSettings, audit
from prodready.model import AuditReport, Severity
from prodready.report import terminal
from tests.helpers import ROOT


def _rich_text(report: AuditReport, width: int, **extra: bool) -> str:
    buffer = io.StringIO()
    terminal.render_report(report, Console(file=buffer, width=width, highlight=False, emoji=False), **extra)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def report() -> AuditReport:
    return audit(ROOT / "examples" / "shop-api", AuditSettings(use_cache=False))


@pytest.mark.parametrize("width", [20, 33, 60, 80, 100, 240])
def test_plain_text_is_what_rich_prints(report: AuditReport, width: int) -> None:
    for show_evidence in (False, True):
        lines = list(terminal.report_lines(report, show_evidence=show_evidence))
        plain = terminal.plain_text(lines, width)
        if plain is None:  # evidence may quote characters only Rich can measure
            assert show_evidence
            continue
        assert plain == _rich_text(report, width, show_evidence=show_evidence)


def test_tricky_text_matches_or_falls_back(report: AuditReport) -> None:
    """Markup-like paths, trailing spaces, lines exactly at the width, and wide characters (Rich's
    cell tables decide those: the plain writer declines)."""
    from dataclasses import replace

    unused = [{"path": "a/[bold]x[/].py", "line": 3, "rules": None},
              {"path": "b\\[red].py" + " " * 40, "line": 7, "rules": ["PR-TO-001"]}]
    tricky = replace(report, target="/srv/" + "x" * 57 + "   ", warnings=["[link=x]w[/link] \\", "y" * 79],
                     unused_suppressions=unused)
    for width in (40, 79, 80, 81):
        assert terminal.plain_text(terminal.report_lines(tricky), width) == _rich_text(tricky, width)
    wide = replace(report, warnings=["配置 warning"])
    assert terminal.plain_text(terminal.report_lines(wide), 80) is None


def test_print_report_without_rich_when_not_a_terminal(
    report: AuditReport, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "72")
    terminal.print_report(report)
    out = capsys.readouterr().out
    assert out == _rich_text(report, 72)
    assert report.counts()[Severity.HIGH.value] and "HIGH-1" in out
    monkeypatch.setenv("FORCE_COLOR", "1")  # Rich would colour: it prints, not the plain writer
    monkeypatch.setitem(sys.modules, "rich.console", None)  # importing Rich now fails
    with pytest.raises(ImportError):
        terminal.print_report(report)
