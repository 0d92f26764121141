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


def _lazy(module: str, name: str) -> Callable[[], Reporter]:
    """A factory that imports its reporter only when used (an audit loads one reporter, not all)."""

    def make() -> Reporter:
        import importlib

        cls: Callable[[], Reporter] = getattr(importlib.import_module(f"prodready.report.{module}"), name)
        return cls()

    return make


def reporters() -> dict[str, Callable[[], Reporter]]:
    found: dict[str, Callable[[], Reporter]] = {
        "json": _lazy("json_report", "JsonReporter"),
        "text": _lazy("terminal", "TextReporter"),
        "concise": _lazy("terminal", "ConciseReporter"),
        "markdown": _lazy("markdown", "MarkdownReporter"),
        "html": _lazy("html", "HtmlReporter"),
        "sarif": _lazy("sarif", "SarifReporter"),
        "github": _lazy("ci", "GithubReporter"),
        "gitlab": _lazy("ci", "GitlabReporter"),
        "junit": _lazy("ci", "JunitReporter"),
    }
    for entry in entry_points(group="prodready.reporters"):
        found.setdefault(entry.name, entry.load())
    return found
