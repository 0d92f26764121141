"""Reporters turn a finished AuditReport into text. Built-ins live in a dict; other packages can
add reporters under the entry-point group ``prodready.reporters``."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Protocol

from prodready.model import AuditReport


class Reporter(Protocol):
    name: str
    suffix: str

    def render(self, report: AuditReport) -> str: ...


def reporters() -> dict[str, Callable[[], Reporter]]:
    from prodready.report.html import HtmlReporter
    from prodready.report.json_report import JsonReporter
    from prodready.report.markdown import MarkdownReporter
    from prodready.report.sarif import SarifReporter
    from prodready.report.terminal import ConciseReporter, TextReporter

    found: dict[str, Callable[[], Reporter]] = {
        "json": JsonReporter,
        "text": TextReporter,
        "concise": ConciseReporter,
        "markdown": MarkdownReporter,
        "html": HtmlReporter,
        "sarif": SarifReporter,
    }
    for entry in entry_points(group="prodready.reporters"):
        found.setdefault(entry.name, entry.load())
    return found
