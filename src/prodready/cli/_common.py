"""What every command shares: the usage error, the parser class, writing output, exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from prodready.model import AuditReport
    from prodready.report.options import ReportOptions


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit 2."""


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``, without importing shutil (and the compression
    modules it loads) at every start: argparse builds a formatter for each argument it adds."""
    import os

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    try:
        lines = int(os.environ["LINES"])
    except (KeyError, ValueError):
        lines = 0
    if columns <= 0 or lines <= 0:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size((80, 24))
        if columns <= 0:
            columns = size.columns or 80
    return columns


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, its default width found as it finds it (see terminal_columns)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, terminal_columns() - 2 if width is None else width)


class Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"prodready: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def render(report: AuditReport, fmt: str, options: ReportOptions | None = None) -> str:
    from prodready.report.base import reporter, reporters
    from prodready.report.options import configure

    factory = reporter(fmt)
    if factory is None:
        raise UsageError(f"unknown format '{fmt}' (choose from {', '.join(sorted(reporters()))})")
    chosen = factory()
    configure(chosen, options)
    return chosen.render(report)


def write_file(text: str, output: Path) -> None:
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, "utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc


def write(text: str, output: Path | None) -> None:
    """To stdout, or to a file with a note on stderr."""
    if output is None:
        sys.stdout.write(text)
        return
    write_file(text, output)
    print(f"written to {output}", file=sys.stderr)


def exit_code(report: AuditReport, fail_on: str) -> int:
    from prodready.model import Severity

    if fail_on == "never":
        return 0
    threshold = Severity(fail_on).rank
    return 1 if any(f.severity.rank >= threshold for f in report.findings) else 0


def history_url(args: argparse.Namespace, target: Path) -> str:
    import os

    from prodready.tracking.history import default_url

    return getattr(args, "history_url", None) or os.environ.get("PRODREADY_HISTORY_URL") or default_url(target)
