"""SARIF 2.1.0 as GitHub code scanning accepts it.

Every result has a location (project-wide findings sit on the project's manifest or README), URIs
are relative to the repository root (``%SRCROOT%``), rules carry a real ``helpUri``, and findings
silenced by an inline comment are kept as results with an ``inSource`` suppression.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from prodready.model import AuditReport, Category, Finding, Location, Severity
from prodready.repo import docs_url, find_repo_root, prefix_within
from prodready.report.options import ReportOptions
from prodready.rules.base import RuleMeta, parse_doc
from prodready.rules.registry import find_rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note", Severity.INFO: "note"}
SECURITY = {Category.SECRETS, Category.CORS, Category.AUTHENTICATION, Category.INPUT_VALIDATION, Category.RATE_LIMITING}
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0", Severity.INFO: "1.0"}
MAX_RELATED = 1000  # GitHub ignores results with more related locations


def _rule_entry(rule: RuleMeta, docs: str) -> dict[str, Any]:
    doc = parse_doc(rule.doc)
    tags = [rule.category.value, *sorted(lang.value for lang in rule.languages)]
    properties: dict[str, Any] = {"tags": (["security"] if rule.category in SECURITY else []) + tags, "precision": rule.confidence.value}
    if rule.category in SECURITY:
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": " ".join(doc.get("What it does", rule.title).split())},
        "help": {"text": rule.fix or rule.title, "markdown": rule.doc.strip() or rule.title},
        "helpUri": f"{docs}#{rule.id.lower()}",
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": properties,
    }


class SarifReporter:
    name = "sarif"
    suffix = ".sarif"

    def __init__(self) -> None:
        self.options = ReportOptions()

    def configure(self, options: ReportOptions) -> None:
        self.options = options

    def render(self, report: AuditReport) -> str:
        prefix = prefix_within(report.target, self.options.project_root) if report.target else ""
        root = Path(self.options.project_root).resolve() if self.options.project_root else find_repo_root(report.target or ".")
        base = root if root is not None else Path(report.target or ".").resolve()
        anchor = report.project_file or "README.md"
        docs = docs_url(self.options.docs_url)

        def uri(path: str | None) -> str:
            return quote(prefix + (path or anchor), safe="/-_.~")

        def physical(loc: Location) -> dict[str, Any]:
            place: dict[str, Any] = {"artifactLocation": {"uri": uri(loc.path), "uriBaseId": "%SRCROOT%"}}
            if loc.path is not None and loc.line is not None and loc.line >= 1:
                region: dict[str, Any] = {"startLine": loc.line, "endLine": max(loc.end_line or loc.line, loc.line)}
                if loc.evidence:
                    region["snippet"] = {"text": loc.evidence}
                place["region"] = region
            else:
                place["region"] = {"startLine": 1}
            return place

        def result(finding: Finding, rule_index: dict[str, int], justification: str | None) -> dict[str, Any]:
            places = finding.all_locations
            message = finding.message
            if finding.path is None:
                message = f"{message} (applies to the whole project)"
            out: dict[str, Any] = {
                "ruleId": finding.rule,
                "ruleIndex": rule_index[finding.rule],
                "level": LEVEL[finding.severity],
                "message": {"text": message},
                "locations": [{"physicalLocation": physical(places[0])}],
                "partialFingerprints": {"prodready/v1": finding.fingerprint},
                "properties": {"severity": finding.severity.value, "category": finding.category.value},
            }
            related = [
                {"id": number, "physicalLocation": physical(loc), "message": {"text": loc.message or finding.message}}
                for number, loc in enumerate(places[1:MAX_RELATED + 1], 1)
            ]
            if related:
                out["relatedLocations"] = related
            if justification is not None:
                out["suppressions"] = [{"kind": "inSource", "status": "accepted", "justification": justification}]
            return out

        silenced = list(report.suppressed_findings)
        used = sorted({f.rule for f in report.findings} | {f.rule for f, _ in silenced})
        rules = [r for r in (find_rule(rule_id) for rule_id in used) if r is not None]
        rule_index = {rule.id: index for index, rule in enumerate(rules)}
        results = [result(f, rule_index, None) for f in report.findings if f.rule in rule_index]
        results += [result(f, rule_index, reason or "suppressed in source") for f, reason in silenced if f.rule in rule_index]
        document = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "prodready",
                            "version": report.tool_version or "0",
                            "informationUri": docs,
                            "rules": [_rule_entry(rule, docs) for rule in rules],
                        }
                    },
                    "originalUriBaseIds": {"%SRCROOT%": {"uri": base.as_uri().rstrip("/") + "/"}},
                    "results": results,
                    "invocations": [
                        {"executionSuccessful": True} | ({"startTimeUtc": report.started_at} if report.started_at else {})
                    ],
                }
            ],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
