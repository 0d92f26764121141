"""Tables every human-facing report derives from an AuditReport: counts by category, checks that
passed, the configuration matrix. The review itself (order, phases, risks) is in review.py."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from prodready.lazyre import lazy_compile
from prodready.model import AuditReport
from prodready.rules.registry import find_rule

SECRETISH = lazy_compile(r"(?i)(secret|password|passwd|token|api_?key|private|credential|dsn)")


def by_category(report: AuditReport) -> dict[str, Counter[str]]:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in report.findings:
        table[finding.category.value][finding.severity.value] += 1
    return dict(sorted(table.items()))


def passed_checks(report: AuditReport) -> list[dict[str, Any]]:
    """Per category: rules that examined code, candidates examined, how many passed."""
    grouped: dict[str, dict[str, Any]] = {}
    for check in report.checks:
        row = grouped.setdefault(check.category.value, {"category": check.category.value, "rules": 0, "examined": 0, "passed": 0, "clean_rules": []})
        row["rules"] += 1
        row["examined"] += check.examined
        row["passed"] += check.passed
        if check.passed == check.examined:
            rule = find_rule(check.rule)
            row["clean_rules"].append(f"{check.rule} {rule.title if rule else ''}".strip())
    return [grouped[k] for k in sorted(grouped)]


def config_matrix(report: AuditReport) -> list[dict[str, Any]]:
    documented = set(report.facts.get("documented_env", []))
    rows: dict[str, dict[str, Any]] = {}
    for var in report.facts.get("env_vars", []):
        name = str(var["name"])
        row = rows.setdefault(name, {"name": name, "read_at": [], "default": None, "documented": name.upper() in documented,
                                     "secret": bool(SECRETISH.search(name)), "note": ""})
        location = f"{var['file']}:{var['line']}" if var.get("line") else str(var["file"])
        if location not in row["read_at"]:
            row["read_at"].append(location)
        if var.get("default") is not None and row["default"] is None:
            row["default"] = str(var["default"])
    for row in rows.values():
        default = row["default"]
        notes = []
        if row["secret"]:
            notes.append("inject from the secret store; never a default" if default else "required secret: fail start-up if missing")
        elif default is None:
            notes.append("required: no default")
        elif re.search(r"(?i)localhost|127\.0\.0\.1|development|^dev$|^true$", str(default)):
            notes.append("default is a development value: set it in production")
        if not row["documented"]:
            notes.append("document it in .env.example")
        row["note"] = "; ".join(notes)
        if row["secret"] and default:
            row["default"] = "(set, redacted)"
    return sorted(rows.values(), key=lambda r: r["name"])
