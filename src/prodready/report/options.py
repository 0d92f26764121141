"""Options some reporters take beyond the report: where the repository root is, where the docs are."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportOptions:
    project_root: str | None = None  # repository root (default: found from .git above the target)
    docs_url: str | None = None  # base URL of docs/rules.md (default: PRODREADY_DOCS_URL or the project's)


def configure(reporter: object, options: ReportOptions | None) -> object:
    """Hand the options to a reporter that takes them (``configure(options)``); others ignore them."""
    hook = getattr(reporter, "configure", None)
    if options is not None and callable(hook):
        hook(options)
    return reporter
