"""`prodready rules [ID]`: the catalogue, or one rule explained."""

from __future__ import annotations

import argparse
import json
from typing import Any

from prodready.cli._common import UsageError
from prodready.model import Category, Language


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rules = sub.add_parser("rules", help="list the rule catalogue, or explain one rule")
    rules.add_argument("rule_id", nargs="?", help="rule id (PR-TO-001), an old id (PR-TO-101) or a name")
    rules.add_argument("--category", choices=[c.value for c in Category])
    rules.add_argument("--language", choices=[lang.value for lang in Language])
    rules.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text")
    rules.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
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
    rules = list(registry.catalogue)
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


def rule_json(rule: Any) -> dict[str, object]:
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
        "default": rule.default,
        "aliases": list(rule.aliases),
        "doc": parse_doc(rule.doc),
    }
