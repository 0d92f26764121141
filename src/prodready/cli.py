"""Command line: a thin layer over the library API. Exit codes: 0 pass, 1 findings, 2 error."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn

from prodready import __version__
from prodready.config import FAIL_ON_CHOICES, ConfigError, load_config
from prodready.model import AuditReport, Category, Language, Severity

FORMATS = ("text", "concise", "json", "markdown", "html", "sarif")


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"prodready: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="prodready",
        description="Production-readiness review for services: code, config, containers.",
    )
    parser.add_argument("--version", action="version", version=f"prodready {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    audit = sub.add_parser("audit", help="audit a source tree and print the findings")
    audit.add_argument("path", nargs="?", default=".", help="root of the service tree (default: .)")
    audit.add_argument("--format", "-f", choices=FORMATS, default="text")
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
    audit.add_argument("--history-url", help="SQLAlchemy URL of the history store (default: sqlite in .prodready/)")

    rules = sub.add_parser("rules", help="list the rule catalogue, or explain one rule")
    rules.add_argument("rule_id", nargs="?", help="rule id (PR-TO-001) or name")
    rules.add_argument("--category", choices=[c.value for c in Category])
    rules.add_argument("--language", choices=[lang.value for lang in Language])
    rules.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text")
    from prodready import cli_extra

    cli_extra.add_commands(sub)
    from prodready.runtime import cli as runtime_cli

    runtime_cli.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "audit":
            return cmd_audit(args)
        if args.command == "rules":
            return cmd_rules(args)
        if args.command == "verify":
            from prodready.runtime import cli as runtime_cli

            return runtime_cli.run(args)
        from prodready import cli_extra

        return cli_extra.dispatch(args)
    except (UsageError, ConfigError) as exc:
        print(f"prodready: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("prodready: interrupted", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line, exit 2
        if args.debug:
            raise
        print(f"prodready: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", file=sys.stderr)
        return 2


def _ids(value: str | None) -> frozenset[str]:
    return frozenset(v.strip().upper() for v in (value or "").split(",") if v.strip())


def cmd_audit(args: argparse.Namespace) -> int:
    from prodready.api import AuditSettings, TargetError, audit

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
        try:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(rendered, "utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
        if args.format != "text":
            _print_text_summary(report)
        else:
            print(f"report written to {args.output}")
    else:
        if args.format == "text":
            from rich.console import Console

            from prodready.report.terminal import render_report

            render_report(report, Console(highlight=False, emoji=False))
        else:
            sys.stdout.write(rendered)
    fail_on = args.fail_on or config.fail_on or "high"
    return exit_code(report, fail_on)


def _post_process(report: AuditReport, args: argparse.Namespace) -> AuditReport:
    """Baseline filtering and history recording, when those modules are present."""
    try:
        from prodready import cli_extra
    except ImportError:
        return report
    return cli_extra.post_process(report, args)


def _print_text_summary(report: AuditReport) -> None:
    counts = report.counts()
    print(
        f"{report.verdict.value}: "
        + ", ".join(f"{counts[s.value]} {s.value}" for s in Severity)
        + f" ({report.files_scanned} files)",
        file=sys.stderr,
    )


def _progress_bar():  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # On stderr: the bar shows while stdout is redirected to a file or a pipe.
    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), transient=True, console=Console(stderr=True),
    )


def render(report: AuditReport, fmt: str) -> str:
    from prodready.report.base import reporters

    available = reporters()
    if fmt not in available:
        raise UsageError(f"format '{fmt}' is not available in this build")
    return available[fmt]().render(report)


def exit_code(report: AuditReport, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = Severity(fail_on).rank
    return 1 if any(f.severity.rank >= threshold for f in report.findings) else 0


def cmd_rules(args: argparse.Namespace) -> int:
    from prodready.docs import render_rule_markdown, render_rules_markdown
    from prodready.rules.registry import load_registry

    registry = load_registry()
    if args.rule_id:
        rule = registry.by_id(args.rule_id)
        if rule is None:
            raise UsageError(f"unknown rule: {args.rule_id} (see `prodready rules`)")
        if args.format == "json":
            print(json.dumps(rule_json(rule), indent=2))
        else:
            print(render_rule_markdown(rule, heading="#"))
        return 0
    rules = list(registry.rules)
    if args.category:
        rules = [r for r in rules if r.category.value == args.category]
    if args.language:
        rules = [r for r in rules if Language(args.language) in r.languages]
    if args.format == "json":
        print(json.dumps([rule_json(r) for r in rules], indent=2))
    elif args.format == "markdown":
        print(render_rules_markdown(rules), end="")
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(show_edge=False)
        for column in ("id", "category", "severity", "languages", "title"):
            table.add_column(column)
        for rule in rules:
            table.add_row(
                rule.id, rule.category.value, rule.severity.value,
                ",".join(sorted(lang.value for lang in rule.languages)), rule.title,
            )
        Console(highlight=False).print(table)
        print(f"{len(rules)} rules. `prodready rules ID` explains one.")
    return 0


def rule_json(rule) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from prodready.rules.base import parse_doc

    return {
        "id": rule.id,
        "name": rule.name,
        "title": rule.title,
        "category": rule.category.value,
        "severity": rule.severity.value,
        "confidence": rule.confidence.value,
        "languages": sorted(lang.value for lang in rule.languages),
        "fix": rule.fix,
        "references": list(rule.references),
        "status": rule.status,
        "doc": parse_doc(rule.doc),
    }
