"""`prodready diff old.json new.json`: fixed / new / still open."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from prodready.cli._common import UsageError, write


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    diff = sub.add_parser("diff", help="fixed / new / still open between two JSON reports")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    diff.add_argument("--format", "-f", choices=("text", "markdown", "json"), default="text")
    diff.add_argument("--output", "-o", type=Path)
    diff.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from prodready.tracking.diff import ReportFileError, diff_markdown, diff_reports, load_report

    try:
        old, new = load_report(args.old), load_report(args.new)
    except ReportFileError as exc:
        raise UsageError(str(exc)) from exc
    result = diff_reports(old, new)
    if args.format == "json":
        write(json.dumps(result.to_json(), indent=2) + "\n", args.output)
    elif args.format == "markdown":
        write(diff_markdown(result, old, new), args.output)
    else:
        from prodready.report._safe import strip_controls as clean

        lines = [f"fixed: {len(result.fixed)}  new: {len(result.new)}  still open: {len(result.still_open)}"]
        for label, items in (("FIXED", result.fixed), ("NEW", result.new), ("OPEN", result.still_open)):
            for f in items:
                where = f"{f.get('path') or '(project)'}{':' + str(f['line']) if f.get('line') else ''}"
                lines.append(clean(f"{label:6} {f['severity']:8} {f['rule']} {where} {f['message']}"))
        write("\n".join(lines) + "\n", args.output)
    return 1 if any(f["severity"] in ("critical", "high") for f in result.new) else 0
