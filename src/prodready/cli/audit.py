"""`prodready audit PATH...`: audit trees and files, write one or more reports, exit 1 on findings."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from prodready.cli._common import UsageError, exit_code, history_url, render, write_file
from prodready.config import FAIL_ON_CHOICES

FORMATS = ("text", "concise", "json", "markdown", "html", "sarif", "github", "gitlab", "junit")
SUFFIX = {"text": ".txt", "json": ".json", "markdown": ".md", "html": ".html", "sarif": ".sarif",
          "github": ".github.txt", "gitlab": ".gitlab.json", "junit": ".junit.xml"}


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit = sub.add_parser(
        "audit", help="audit source trees (or files, in their project) and report the findings",
        description="Audit directories, or files in the context of their project (only findings in "
        "the named files are reported). Several --format/--output pairs write several reports.",
    )
    audit.add_argument("paths", nargs="*", default=None, metavar="PATH", help="directories or files (default: .)")
    out = audit.add_argument_group("output")
    out.add_argument("--format", "-f", action="append", metavar="FORMAT",
                     help=f"report format, repeatable: {', '.join(FORMATS)} (default: text)")
    out.add_argument("--output", "-o", action="append", type=Path, metavar="FILE",
                     help="write the report of the matching --format to FILE (repeatable; '-' is stdout)")
    out.add_argument("--output-dir", type=Path, metavar="DIR", help="write every --format to DIR/prodready.<suffix>")
    out.add_argument("--project-root", type=Path, metavar="DIR",
                     help="repository root that SARIF/CI paths are relative to (default: found from .git)")
    out.add_argument("--docs-url", metavar="URL", help="base URL of docs/rules.md for SARIF helpUri")
    out.add_argument("--quiet", "-q", action="store_true", help="no progress, no summary line: only the report and errors")
    out.add_argument("--verbose", "-v", action="store_true", help="say which config, projects and files were used")
    out.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    gate = audit.add_argument_group("selection and gate")
    gate.add_argument("--fail-on", choices=FAIL_ON_CHOICES, default=None,
                      help="exit 1 when a finding at or above this severity remains (default: high)")
    gate.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain (errors still exit 2)")
    gate.add_argument("--select", action="append", metavar="RULES",
                      help="run only these: rule ids, prefixes (PR-TO), categories (timeouts); comma-separated")
    gate.add_argument("--ignore", action="append", metavar="RULES", help="skip these (same selectors as --select)")
    gate.add_argument("--exclude", action="append", metavar="PATTERN",
                      help="gitignore-style pattern to skip, relative to each audited directory (repeatable)")
    gate.add_argument("--config", type=Path, help="config file (default: nearest .prodready.toml or pyproject.toml up to the repository root)")
    gate.add_argument("--baseline", type=Path, help="accepted findings (from `prodready baseline`) to hide")
    gate.add_argument("--diff-base", metavar="REV",
                      help="PR mode: report and fail only on findings that are new relative to git revision REV")
    run_group = audit.add_argument_group("run")
    run_group.add_argument("--no-cache", action="store_true", help="do not read or write .prodready/cache.json")
    run_group.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: cores)")
    run_group.add_argument("--no-history", action="store_true", help="do not record this run in the history store")
    run_group.add_argument("--history-url", help="history store URL (default: sqlite in .prodready/)")
    audit.set_defaults(handler=run)


def _tokens(values: list[str] | None) -> frozenset[str]:
    return frozenset(v.strip() for value in values or [] for v in value.split(",") if v.strip())


def plan_outputs(args: argparse.Namespace) -> list[tuple[str, Path | None]]:
    """(format, file or None for stdout) pairs from --format/--output/--output-dir."""
    formats: list[str] = args.format or ["text"]
    outputs: list[Path] = args.output or []
    if args.output_dir is not None:
        if outputs:
            raise UsageError("give --output or --output-dir, not both")
        return [(fmt, args.output_dir / f"prodready{SUFFIX.get(fmt, '.' + fmt)}") for fmt in formats]
    if not outputs:
        if len(formats) > 1:
            raise UsageError("several --format need one --output each (or --output-dir)")
        return [(formats[0], None)]
    if len(outputs) != len(formats):
        raise UsageError(f"{len(formats)} --format but {len(outputs)} --output: give one --output per --format")
    pairs = [(fmt, None if str(out) == "-" else out) for fmt, out in zip(formats, outputs, strict=True)]
    if sum(1 for _, out in pairs if out is None) > 1:
        raise UsageError("only one report can go to stdout ('-')")
    return pairs


def run(args: argparse.Namespace) -> int:
    from prodready.api import AuditSettings, TargetError, audit_paths, plan_targets
    from prodready.config import load_config
    from prodready.report.base import reporter, reporters
    from prodready.report.options import ReportOptions

    started = time.monotonic()
    pairs = plan_outputs(args)
    for fmt, _ in pairs:
        if reporter(fmt) is None:
            raise UsageError(f"unknown format '{fmt}' (choose from {', '.join(sorted(reporters()))})")
    paths = [Path(p) for p in (args.paths or ["."])]
    if args.project_root is not None and not args.project_root.is_dir():
        raise UsageError(f"--project-root is not a directory: {args.project_root}")
    try:
        projects = plan_targets(paths)
    except TargetError as exc:
        raise UsageError(str(exc)) from exc
    explicit = load_config(next(iter(projects)), args.config) if args.config else None
    first_config = explicit or load_config(next(iter(projects)))
    settings = AuditSettings(
        use_cache=not args.no_cache,
        jobs=max(args.jobs, 0),
        config=explicit,
        select=_tokens(args.select) or None,
        ignore=_tokens(args.ignore),
        exclude=tuple(_tokens(args.exclude)),
    )
    verbose = args.verbose and not args.quiet
    if verbose:
        for root, files in projects.items():
            config = explicit or load_config(root)
            what = "all files" if files is None else f"{len(files)} named file(s)"
            print(f"prodready: project {root} ({what}); config: {config.source or 'none'}", file=sys.stderr)
    show_progress = not (args.no_progress or args.quiet) and sys.stderr.isatty()
    try:
        report = _with_progress(lambda tick: audit_paths(paths, settings, tick), show_progress)
    except TargetError as exc:
        raise UsageError(str(exc)) from exc
    if args.diff_base:
        report = _new_since(report, args.diff_base, projects, settings, verbose)
    report = _post_process(report, args)
    options = ReportOptions(
        project_root=str(args.project_root.resolve()) if args.project_root else None, docs_url=args.docs_url,
    )
    for fmt, dest in pairs:
        if dest is None and fmt == "text":
            from prodready.report.terminal import print_report

            print_report(report)
            continue
        rendered = render(report, fmt, options)
        if dest is None:
            sys.stdout.write(rendered)
        else:
            write_file(rendered, dest)
            if not args.quiet:
                print(f"prodready: {fmt} report written to {dest}", file=sys.stderr)
    if not args.quiet and any(dest is not None for _, dest in pairs) and all(dest is not None for _, dest in pairs):
        _print_text_summary(report)
    if verbose:
        print(f"prodready: {report.files_scanned} files in {time.monotonic() - started:.2f}s", file=sys.stderr)
    if args.exit_zero:
        return 0
    return exit_code(report, args.fail_on or first_config.fail_on or "high")


def _progress_bar() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # On stderr: the bar shows while stdout is redirected to a file or a pipe.
    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), transient=True, console=Console(stderr=True),
    )


def _with_progress(work: Any, show: bool) -> Any:
    if not show:
        return work(None)
    progress = _progress_bar()
    with progress as bar:
        task = bar.add_task("auditing", total=None)

        def tick(done: int, total: int) -> None:
            if total >= 200:
                bar.update(task, completed=done, total=total)

        return work(tick)


def _new_since(report: Any, revision: str, projects: dict[Path, Any], settings: Any, verbose: bool) -> Any:
    """Hide every place already present at ``revision`` (PR mode)."""
    from dataclasses import replace

    from prodready.api import audit
    from prodready.tracking.baseline import apply_baseline
    from prodready.tracking.diffbase import DiffBaseError, base_fingerprints, repository_root

    base_settings = replace(settings, use_cache=False)
    try:
        repo = repository_root(next(iter(projects)))
        accepted = base_fingerprints(repo, revision, list(projects), lambda root: audit(root, base_settings))
    except DiffBaseError as exc:
        raise UsageError(str(exc)) from exc
    new = apply_baseline(report, accepted)
    if verbose:
        print(f"prodready: {new.baselined} finding place(s) already at {revision} hidden", file=sys.stderr)
    return new


def _post_process(report: Any, args: argparse.Namespace) -> Any:
    """Baseline filtering and history recording."""
    if args.baseline:
        from prodready.tracking.baseline import BaselineError, apply_baseline, load_fingerprints

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
