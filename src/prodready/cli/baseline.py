"""`prodready baseline PATH`: accept the current findings."""

from __future__ import annotations

import argparse
from pathlib import Path

from prodready.cli._common import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    baseline = sub.add_parser("baseline", help="accept the current findings: write a baseline file")
    baseline.add_argument("path", nargs="?", default=".")
    baseline.add_argument("--output", "-o", type=Path, default=Path(".prodready-baseline.json"))
    baseline.add_argument("--no-cache", action="store_true")
    baseline.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from prodready.api import AuditSettings, TargetError, audit
    from prodready.tracking.baseline import write_baseline

    try:
        report = audit(Path(args.path), AuditSettings(use_cache=not args.no_cache))
    except TargetError as exc:
        raise UsageError(str(exc)) from exc
    count = write_baseline(report, args.output)
    print(f"baseline with {count} accepted findings written to {args.output}")
    return 0
