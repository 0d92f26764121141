"""What every command shares: the usage error, the parser class, writing output, exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from prodready.model import AuditReport
    from prodready.report.options import ReportOptions


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit 2."""


class Parser(argparse.ArgumentParser):
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
