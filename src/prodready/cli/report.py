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
    report.add_argument("--project-root", type=Path, metavar="DIR",
                        help="repository root that SARIF/CI paths are relative to (default: found from .git)")
    report.add_argument("--docs-url", metavar="URL", help="base URL of docs/rules.md for SARIF helpUri")
    report.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from prodready.report.json_report import report_from_dict
    from prodready.report.options import ReportOptions
    from prodready.tracking.diff import ReportFileError, load_report

    try:
        data = load_report(args.report_json)
    except ReportFileError as exc:
        raise UsageError(str(exc)) from exc
    if isinstance(data.get("runtime"), dict):  # a `prodready verify` report keeps its runtime section
        from prodready.runtime import report as verify_report

        write(verify_report.render(verify_report.from_dict(data), args.format), args.output)
        return 0
    options = ReportOptions(
        project_root=str(args.project_root.resolve()) if args.project_root else None, docs_url=args.docs_url,
    )
    write(render(report_from_dict(data), args.format, options), args.output)
    return 0
