"""`prodready history PATH`: the trend per category across recorded runs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from prodready.cli._common import UsageError, history_url


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    history = sub.add_parser("history", help="the trend per category across recorded runs")
    history.add_argument("path", nargs="?", default=".")
    history.add_argument("--history-url", help="history store URL (default: sqlite in PATH/.prodready/)")
    history.add_argument("--format", "-f", choices=("text", "json"), default="text")
    history.add_argument("--limit", type=int, default=20)
    history.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

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
