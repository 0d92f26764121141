"""`prodready audit PATH`: audit a tree, print or write the report, exit 1 on findings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from prodready.cli._common import UsageError, exit_code, history_url, render, write_file
from prodready.config import FAIL_ON_CHOICES

FORMATS = ("text", "json", "markdown", "html", "sarif")


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit = sub.add_parser("audit", help="audit a source tree and print the findings")
    audit.add_argument("path", nargs="?", default=".", help="root of the service tree (default: .)")
    audit.add_argument("--format", "-f", default="text", help=f"report format: {', '.join(FORMATS)}, ...")
    audit.add_argument("--output", "-o", type=Path, help="write the report to FILE")
    audit.add_argument(
        "--fail-on", choices=FAIL_ON_CHOICES, default=None,
        help="exit 1 when a finding at or above this severity remains (default: high)",
    )
    audit.add_argument("--select", help="comma-separated rule ids to run (default: all)")
    audit.add_argument("--ignore", help="comma-separated rule ids to skip")
    audit.add_argument("--config", type=Path, help="config file (default: .prodready.toml or pyproject.toml)")
    audit.add_argument("--no-cache", action="store_true", help="do not read or write .prodready/cache.json")
    audit.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: cores)")
    audit.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    audit.add_argument("--baseline", type=Path, help="accepted findings (from `prodready baseline`) to hide")
    audit.add_argument("--no-history", action="store_true", help="do not record this run in the history store")
    audit.add_argument("--history-url", help="history store URL (default: sqlite in .prodready/)")
    audit.set_defaults(handler=run)


def _ids(value: str | None) -> frozenset[str]:
    return frozenset(v.strip().upper() for v in (value or "").split(",") if v.strip())


def run(args: argparse.Namespace) -> int:
    from prodready.api import AuditSettings, TargetError, audit
    from prodready.config import load_config
    from prodready.report.base import reporters

    if args.format not in reporters():
        raise UsageError(f"unknown format '{args.format}' (choose from {', '.join(sorted(reporters()))})")
    root = Path(args.path)
    if not root.exists():
        raise UsageError(f"target does not exist: {root}")
    if not root.is_dir():
        raise UsageError(f"target is not a directory: {root}")
    config = load_config(root.resolve(), args.config)
    settings = AuditSettings(
        use_cache=not args.no_cache,
        jobs=max(args.jobs, 0),
        config=config,
        select=_ids(args.select) or None,
        ignore=_ids(args.ignore),
    )
    from prodready.rules.registry import load_registry

    registry = load_registry()
    for rule_id in (settings.select or frozenset()) | settings.ignore:
        if registry.by_id(rule_id) is None:
            raise UsageError(f"unknown rule id: {rule_id} (see `prodready rules`)")
    progress = _progress_bar() if not args.no_progress and sys.stderr.isatty() else None
    try:
        if progress is not None:
            with progress as bar:
                task = bar.add_task("auditing", total=None)

                def tick(done: int, total: int) -> None:
                    if total >= 200:
                        bar.update(task, completed=done, total=total)

                report = audit(root, settings, tick)
        else:
            report = audit(root, settings)
    except TargetError as exc:
        raise UsageError(str(exc)) from exc
    report = _post_process(report, args)
    rendered = render(report, args.format)
    if args.output:
        write_file(rendered, args.output)
        if args.format != "text":
            _print_text_summary(report)
        else:
            print(f"report written to {args.output}")
    else:
        if args.format == "text":
            from rich.console import Console

            from prodready.report.terminal import render_report

            render_report(report, Console(highlight=False))
        else:
            sys.stdout.write(rendered)
    fail_on = args.fail_on or config.fail_on or "high"
    return exit_code(report, fail_on)


def _post_process(report: Any, args: argparse.Namespace) -> Any:
    """Baseline filtering and history recording."""
    from prodready.tracking.baseline import BaselineError, apply_baseline, load_fingerprints

    if args.baseline:
        try:
            report = apply_baseline(report, load_fingerprints(args.baseline))
        except BaselineError as exc:
            raise UsageError(str(exc)) from exc
    if not args.no_history:
        from prodready.tracking.history import HistoryError, record

        try:
            record(report, history_url(args, Path(report.target)))
        except HistoryError as exc:
            print(f"prodready: warning: run not recorded in history: {exc}", file=sys.stderr)
    return report


def _print_text_summary(report: Any) -> None:
    from prodready.model import Severity

    counts = report.counts()
    print(
        f"{report.verdict.value}: "
        + ", ".join(f"{counts[s.value]} {s.value}" for s in Severity)
        + f" ({report.files_scanned} files)",
        file=sys.stderr,
    )


def _progress_bar() -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), transient=True,
    )
