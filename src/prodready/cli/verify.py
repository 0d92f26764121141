"""`prodready verify URL`: probe, load and sample a running service (src/prodready/runtime/)."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from prodready.runtime import cli as runtime_cli

    runtime_cli.add_parser(sub).set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from prodready.runtime import cli as runtime_cli

    return runtime_cli.run(args)
