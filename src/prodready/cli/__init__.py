"""Command line: one module per command over the library API. Exit codes: 0 pass, 1 findings, 2 error.

Each command module defines ``add_parser(sub)`` (which sets ``handler``) and a ``run(args)``;
adding a command is one name in ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys

from prodready import __version__
from prodready.cli._common import Parser, UsageError, exit_code, render

__all__ = ["COMMANDS", "UsageError", "build_parser", "exit_code", "main", "render"]

COMMANDS = ("audit", "rules", "report", "baseline", "diff", "history", "verify")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``only``, just that command's subparser (the others' modules
    and their imports are not loaded when the command is known from argv)."""
    parser = Parser(
        prog="prodready",
        description="Production-readiness review for services: code, config, containers.",
    )
    parser.add_argument("--version", action="version", version=f"prodready {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"prodready.cli.{name.replace('-', '_')}").add_parser(sub)
    return parser


def _command_of(arguments: list[str]) -> str | None:
    """The command named in argv (after the global --debug), or None: then every command's
    parser is built, so help and errors list them all."""
    for token in arguments:
        if token == "--debug":
            continue
        return token if token in COMMANDS else None
    return None


# Commands that run for minutes (a load test) keep the cyclic garbage collector on; see main().
_LONG_RUNNING = frozenset({"verify"})


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments == ["--version"]:  # answered before any command module (and its imports) loads
        print(f"prodready {__version__}")
        return 0
    # Start-up creates ~100k long-lived objects (modules, classes, functions) and almost no
    # garbage, yet the cyclic collector rescans them over and over: a tenth of a small audit. It
    # is off for the command (audit workers and the per-file pass manage it themselves).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(arguments)
    finally:
        if collecting:
            gc.enable()


def _main(arguments: list[str]) -> int:
    from prodready.config import ConfigError

    parser = build_parser(_command_of(arguments))
    args = parser.parse_args(arguments)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command in _LONG_RUNNING:
        gc.enable()
    try:
        return int(args.handler(args))
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
