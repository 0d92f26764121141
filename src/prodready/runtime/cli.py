"""`prodready verify`: the subcommand's arguments and its run; cli.py only registers it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("text", "json", "markdown", "html", "sarif")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "verify", help="probe (and optionally start, load and sample) a running service",
        description="Prove on the running service what the audit reads in the code: health, CORS, auth, "
        "body limits, error pages, rate limits, header timeouts; with --stress a load test; with --cmd/--pid "
        "memory, file and thread growth; with --shutdown-test the SIGTERM drain.",
    )
    p.add_argument("target", nargs="?", help="base URL of the service (http://127.0.0.1:8000)")
    p.add_argument("--url", help="base URL (same as the positional; use it with --cmd)")
    p.add_argument("--from", dest="from_audit", type=Path, metavar="AUDIT_JSON",
                   help="routes, auth/limit claims and health paths from `prodready audit --format json`")
    p.add_argument("--cmd", help="command that starts the service (run in its own process group, stopped after)")
    p.add_argument("--cwd", type=Path, help="working directory for --cmd")
    p.add_argument("--start-timeout", type=float, default=30.0, help="seconds to wait for --cmd to answer (30)")
    p.add_argument("--pid", type=int, help="sample this running process (and its children) while traffic runs")
    p.add_argument("--no-probes", action="store_true", help="skip the probes (load/sampling/shutdown only)")
    g = p.add_argument_group("probes")
    g.add_argument("--health-deadline", type=float, default=2.0, help="seconds a health path may take (2)")
    g.add_argument("--body-size-mb", type=float, default=16.0, help="oversized body to send (16 MiB)")
    g.add_argument("--slow-header-deadline", type=float, default=10.0, help="seconds a trickled request may stay open (10)")
    g.add_argument("--burst", type=int, default=60, help="requests in a rate-limit burst (60, max 500)")
    g = p.add_argument_group("load")
    g.add_argument("--stress", action="store_true", help="run a load test after the probes")
    g.add_argument("--rate", type=float, default=50.0, help="open model: requests per second (50)")
    g.add_argument("--users", type=int, default=0, help="closed model: this many users instead of --rate")
    g.add_argument("--duration", type=float, default=10.0, help="seconds of measured load (10, max 600)")
    g.add_argument("--warmup", type=float, default=1.0, help="seconds of unmeasured warm-up (1)")
    g.add_argument("--request-timeout", type=float, default=10.0, help="per-request timeout under load (10 s)")
    g.add_argument("--route", action="append", default=[], metavar="'METHOD /path'",
                   help="route for the load mix (repeatable; default: public GET routes that answered)")
    g.add_argument("--min-success-rate", type=float, default=0.95)
    g.add_argument("--max-p95-ms", type=float, default=5000.0)
    g.add_argument("--max-p99-ms", type=float, default=10000.0)
    g.add_argument("--max-error-rate", type=float, default=0.05)
    g.add_argument("--locust-workers", type=int, default=0, metavar="N",
                   help="hand the load test to Locust's distributed mode: 1 master + N local workers")
    g.add_argument("--allow-remote", action="store_true",
                   help="allow bursts and load against a non-loopback host (you must own it)")
    g = p.add_argument_group("process")
    g.add_argument("--shutdown-test", action="store_true", help="with --cmd: SIGTERM under load, judge the drain")
    g.add_argument("--shutdown-deadline", type=float, default=10.0, help="seconds the exit may take (10)")
    g.add_argument("--sample-interval", type=float, default=0.25, help="seconds between resource samples (0.25)")
    g.add_argument("--growth-floor-mb", type=float, default=16.0,
                   help="RSS growth below this is never reported as unbounded (16 MiB)")
    g = p.add_argument_group("output")
    g.add_argument("--format", "-f", choices=FORMATS, default="text")
    g.add_argument("--output", "-o", type=Path, help="write the report to FILE")
    g.add_argument("--fail-on", choices=("critical", "high", "medium", "low", "info", "never"), default="high")
    g.add_argument("--no-progress", action="store_true", help="no live progress on stderr")
    return p


def run(args: argparse.Namespace) -> int:
    from prodready.cli import UsageError, exit_code
    from prodready.runtime.load import Criteria, LoadSettings
    from prodready.runtime.probes import ProbeSettings
    from prodready.runtime.report import render
    from prodready.runtime.service import ServiceError
    from prodready.runtime.targets import AuditFileError
    from prodready.runtime.verify import VerifyError, VerifyOptions, run_verify

    url = args.url or args.target
    if not url:
        raise UsageError("verify needs the service's URL (positional, or --url with --cmd)")
    if args.cmd and args.pid:
        raise UsageError("--cmd and --pid exclude each other")
    if args.from_audit is not None and not args.from_audit.is_file():
        raise UsageError(f"--from: no such file: {args.from_audit}")
    stress = None
    if args.stress:
        stress = LoadSettings(rate=args.rate, users=args.users, duration_s=args.duration, warmup_s=args.warmup,
                              timeout_s=args.request_timeout)
    show = not args.no_progress and sys.stderr.isatty()
    options = VerifyOptions(
        url=url.rstrip("/"), from_audit=args.from_audit, cmd=args.cmd, cwd=args.cwd, pid=args.pid,
        start_timeout_s=args.start_timeout, probe=not args.no_probes,
        probes=ProbeSettings(health_deadline_s=args.health_deadline,
                             body_size=int(max(args.body_size_mb, 0.001) * 1024 * 1024),
                             slow_header_deadline_s=min(max(args.slow_header_deadline, 1.0), 120.0),
                             burst=min(max(args.burst, 1), 500)),
        stress=stress, routes=args.route,
        criteria=Criteria(args.min_success_rate, args.max_p95_ms, args.max_p99_ms, args.max_error_rate),
        shutdown_test=args.shutdown_test, locust_workers=max(args.locust_workers, 0), shutdown_deadline_s=args.shutdown_deadline,
        allow_remote=args.allow_remote, sample_interval_s=max(args.sample_interval, 0.05),
        growth_floor={"rss": args.growth_floor_mb * 1024 * 1024}, progress=show,
        log=(lambda message: print(f"prodready verify: {message}", file=sys.stderr)) if show else None,
    )
    try:
        report = run_verify(options)
    except (VerifyError, ServiceError, AuditFileError) as exc:
        raise UsageError(str(exc)) from exc
    rendered = render(report, args.format)
    if args.output:
        try:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(rendered, "utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
        counts = report.counts()
        print(f"{report.verdict.value}: " + ", ".join(f"{n} {s}" for s, n in counts.items())
              + f" — report written to {args.output}", file=sys.stderr)
    elif args.format == "text" and sys.stdout.isatty():
        from rich.console import Console

        from prodready.runtime.report import print_text

        print_text(report, Console(highlight=False))
    else:
        sys.stdout.write(rendered)
    return exit_code(report, args.fail_on)
