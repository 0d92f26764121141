"""`prodready report r.json`: re-render a saved JSON report."""

from __future__ import annotations

import argparse
from pathlib import Path

from prodready.cli._common import UsageError, render, write


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = sub.add_parser("report", help="render a saved JSON report as markdown, html, sarif or text")
    report.add_argument("report_json", type=Path, help="a report written by `prodready audit --format json`")
    report.add_argument("--format", "-f", default="markdown", help="markdown, html, sarif, text, json, ...")
    report.add_argument("--output", "-o", type=Path)
    report.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from prodready.report.json_report import report_from_dict
    from prodready.tracking.diff import ReportFileError, load_report

    try:
        data = load_report(args.report_json)
    except ReportFileError as exc:
        raise UsageError(str(exc)) from exc
    write(render(report_from_dict(data), args.format), args.output)
    return 0
