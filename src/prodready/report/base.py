"""Reporters turn a finished AuditReport into text. Built-ins live in REPORTERS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from prodready.model import AuditReport


class Reporter(Protocol):
    name: str
    suffix: str

    def render(self, report: AuditReport) -> str: ...


def reporters() -> dict[str, Callable[[], Reporter]]:
    from prodready.report import json_report, terminal

    found: dict[str, Callable[[], Reporter]] = {
        "json": json_report.JsonReporter,
        "text": terminal.TextReporter,
    }
    try:
        from prodready.report import markdown  # type: ignore[attr-defined,unused-ignore]

        found["markdown"] = markdown.MarkdownReporter
    except ImportError:
        pass
    try:
        from prodready.report import html  # type: ignore[attr-defined,unused-ignore]

        found["html"] = html.HtmlReporter
    except ImportError:
        pass
    try:
        from prodready.report import sarif  # type: ignore[attr-defined,unused-ignore]

        found["sarif"] = sarif.SarifReporter
    except ImportError:
        pass
    return found
