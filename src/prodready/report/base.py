"""Reporters turn a finished AuditReport into text. Built-ins live in a dict; other packages can
add reporters under the entry-point group ``prodready.reporters``."""

from __future__ import annotations

from collections.abc import Callable
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


_BUILTIN: dict[str, tuple[str, str]] = {
    "json": ("json_report", "JsonReporter"),
    "text": ("terminal", "TextReporter"),
    "concise": ("terminal", "ConciseReporter"),
    "markdown": ("markdown", "MarkdownReporter"),
    "html": ("html", "HtmlReporter"),
    "sarif": ("sarif", "SarifReporter"),
    "github": ("ci", "GithubReporter"),
    "gitlab": ("ci", "GitlabReporter"),
    "junit": ("ci", "JunitReporter"),
}


def reporter(name: str) -> Callable[[], Reporter] | None:
    """One reporter's factory: a built-in one without scanning the installed packages' entry
    points (that scan costs more than a small audit), else a plug-in's, else None."""
    if name in _BUILTIN:
        return _lazy(*_BUILTIN[name])
    return reporters().get(name)


def reporters() -> dict[str, Callable[[], Reporter]]:
    from importlib.metadata import entry_points

    found = {name: _lazy(module, cls) for name, (module, cls) in _BUILTIN.items()}
    for entry in entry_points(group="prodready.reporters"):
        found.setdefault(entry.name, entry.load())
    return found
