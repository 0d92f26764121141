"""Tracking commands and audit post-processing (baseline, history)."""

from __future__ import annotations

import argparse

from prodready.model import AuditReport


def post_process(report: AuditReport, args: argparse.Namespace) -> AuditReport:
    return report


def dispatch(args: argparse.Namespace) -> int:
    from prodready.cli import UsageError

    raise UsageError(f"unknown command: {args.command}")
