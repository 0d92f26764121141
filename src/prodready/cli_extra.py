"""Tracking commands (report, baseline, diff, history) and audit post-processing."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from prodready.model import AuditReport


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = sub.add_parser("report", help="render a saved JSON report as markdown, html, sarif or text")
    report.add_argument("report_json", type=Path, help="a report written by `prodready audit --format json`")
    report.add_argument("--format", "-f", choices=("markdown", "html", "sarif", "text", "json"), default="markdown")
    report.add_argument("--output", "-o", type=Path)

    baseline = sub.add_parser("baseline", help="accept the current findings: write a baseline file")
    baseline.add_argument("path", nargs="?", default=".")
    baseline.add_argument("--output", "-o", type=Path, default=Path(".prodready-baseline.json"))
    baseline.add_argument("--no-cache", action="store_true")

    diff = sub.add_parser("diff", help="fixed / new / still open between two JSON reports")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    diff.add_argument("--format", "-f", choices=("text", "markdown", "json"), default="text")
    diff.add_argument("--output", "-o", type=Path)

    history = sub.add_parser("history", help="the trend per category across recorded runs")
    history.add_argument("path", nargs="?", default=".")
    history.add_argument("--history-url", help="SQLAlchemy URL (default: sqlite in PATH/.prodready/)")
    history.add_argument("--format", "-f", choices=("text", "json"), default="text")
    history.add_argument("--limit", type=int, default=20)


def history_url(args: argparse.Namespace, target: Path) -> str:
    from prodready.tracking.history import default_url

    return getattr(args, "history_url", None) or os.environ.get("PRODREADY_HISTORY_URL") or default_url(target)


def post_process(report: AuditReport, args: argparse.Namespace) -> AuditReport:
    from prodready.cli import UsageError
    from prodready.tracking.baseline import BaselineError, apply_baseline, load_fingerprints
    from prodready.tracking.history import HistoryError, record

    if getattr(args, "baseline", None):
        try:
            report = apply_baseline(report, load_fingerprints(args.baseline))
        except BaselineError as exc:
            raise UsageError(str(exc)) from exc
    if not getattr(args, "no_history", False):
        try:
            record(report, history_url(args, Path(report.target)))
        except HistoryError as exc:
            print(f"prodready: warning: run not recorded in history: {exc}", file=sys.stderr)
    return report


def _write(text: str, output: Path | None) -> None:
    from prodready.cli import UsageError

    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, "utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc
    print(f"written to {output}", file=sys.stderr)


def dispatch(args: argparse.Namespace) -> int:
    from prodready.cli import UsageError

    if args.command == "report":
        return cmd_report(args)
    if args.command == "baseline":
        return cmd_baseline(args)
    if args.command == "diff":
        return cmd_diff(args)
    if args.command == "history":
        return cmd_history(args)
    raise UsageError(f"unknown command: {args.command}")


def cmd_report(args: argparse.Namespace) -> int:
    from prodready.cli import UsageError, render
    from prodready.report.json_report import report_from_dict
    from prodready.tracking.diff import ReportFileError, load_report

    try:
        data = load_report(args.report_json)
    except ReportFileError as exc:
        raise UsageError(str(exc)) from exc
    if isinstance(data.get("runtime"), dict):  # a `prodready verify` report keeps its runtime section
        from prodready.runtime import report as verify_report

        _write(verify_report.render(verify_report.from_dict(data), args.format), args.output)
        return 0
    _write(render(report_from_dict(data), args.format), args.output)
    return 0


def cmd_baseline(args: argparse.Namespace) -> int:
    from prodready.api import AuditSettings, TargetError, audit
    from prodready.cli import UsageError
    from prodready.tracking.baseline import write_baseline

    try:
        report = audit(Path(args.path), AuditSettings(use_cache=not args.no_cache))
    except TargetError as exc:
        raise UsageError(str(exc)) from exc
    count = write_baseline(report, args.output)
    print(f"baseline with {count} accepted findings written to {args.output}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from prodready.cli import UsageError
    from prodready.tracking.diff import ReportFileError, diff_markdown, diff_reports, load_report

    try:
        old, new = load_report(args.old), load_report(args.new)
    except ReportFileError as exc:
        raise UsageError(str(exc)) from exc
    result = diff_reports(old, new)
    if args.format == "json":
        _write(json.dumps(result.to_json(), indent=2) + "\n", args.output)
    elif args.format == "markdown":
        _write(diff_markdown(result, old, new), args.output)
    else:
        from prodready.report._safe import strip_controls as clean

        lines = [f"fixed: {len(result.fixed)}  new: {len(result.new)}  still open: {len(result.still_open)}"]
        for label, items in (("FIXED", result.fixed), ("NEW", result.new), ("OPEN", result.still_open)):
            for f in items:
                where = f"{f.get('path') or '(project)'}{':' + str(f['line']) if f.get('line') else ''}"
                lines.append(clean(f"{label:6} {f['severity']:8} {f['rule']} {where} {f['message']}"))
        _write("\n".join(lines) + "\n", args.output)
    return 1 if any(f["severity"] in ("critical", "high") for f in result.new) else 0


def cmd_history(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from prodready.cli import UsageError
    from prodready.tracking.history import HistoryError, trend

    target = Path(args.path).resolve()
    try:
        rows = trend(history_url(args, target), str(target), args.limit)
    except HistoryError as exc:
        raise UsageError(str(exc)) from exc
    if args.format == "json":
        print(json.dumps([{k: v for k, v in r.items() if k != "fingerprints"} for r in rows], indent=2))
        return 0
    if not rows:
        print(f"no runs recorded for {target} yet (run `prodready audit {args.path}`)")
        return 0
    from prodready.report._safe import term

    # Rows come from a store anyone with the file could edit: every value is shown as text.
    categories = sorted({str(c) for r in rows for c in r["categories"]})
    shown = rows[-8:]  # categories down, runs across: readable at any terminal width
    table = Table(title=f"prodready history — {term(target)}", show_edge=False)
    table.add_column("category")
    for row in shown:
        table.add_column(term(f"#{row['run']} {str(row['started_at'])[5:16]}"), justify="right")
    for category in categories:
        table.add_row(term(category), *[term(row["categories"].get(category, 0)) for row in shown])
    table.add_row("verdict", *[term(str(row["verdict"]).replace("READY WITH RECOMMENDATIONS", "READY*")) for row in shown])
    Console(highlight=False, emoji=False).print(table)
    previous = set(rows[-1]["fingerprints"])
    if len(rows) >= 2:
        before, after = set(rows[-2]["fingerprints"]), previous
        print(f"since run {rows[-2]['run']}: {len(before - after)} fixed, {len(after - before)} new, {len(after & before)} still open")
    return 0
