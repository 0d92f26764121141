"""SARIF 2.1.0 following GitHub code scanning conventions."""

from __future__ import annotations

import json
from typing import Any

from prodready.model import AuditReport, Category, Finding, Severity
from prodready.rules.base import RuleMeta, parse_doc
from prodready.rules.registry import load_registry

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
DOCS = "https://github.com/prodready/prodready/blob/main/docs/rules.md"
LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note", Severity.INFO: "note"}
SECURITY = {Category.SECRETS, Category.CORS, Category.AUTHENTICATION, Category.INPUT_VALIDATION, Category.RATE_LIMITING}
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0", Severity.INFO: "1.0"}


def _rule_entry(rule: RuleMeta) -> dict[str, Any]:
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
        "help": {"text": rule.fix, "markdown": rule.doc.strip()},
        "helpUri": f"{DOCS}#{rule.id.lower()}",
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": properties,
    }


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index[finding.rule],
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message},
        "partialFingerprints": {"prodready/v1": finding.fingerprint},
        "properties": {"severity": finding.severity.value, "category": finding.category.value},
    }
    if finding.path is not None:
        location: dict[str, Any] = {"artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"}}
        if finding.line is not None:
            region: dict[str, Any] = {"startLine": finding.line, "endLine": max(finding.end_line or finding.line, finding.line)}
            if finding.evidence:
                region["snippet"] = {"text": finding.evidence}
            location["region"] = region
        result["locations"] = [{"physicalLocation": location}]
        related = []
        for number, loc in enumerate(finding.all_locations[1:], 1):
            if loc.path is None:
                continue
            physical: dict[str, Any] = {"artifactLocation": {"uri": loc.path, "uriBaseId": "%SRCROOT%"}}
            if loc.line is not None:
                physical["region"] = {"startLine": loc.line, "endLine": max(loc.end_line or loc.line, loc.line)}
            related.append({"id": number, "physicalLocation": physical,
                            "message": {"text": loc.message or finding.message}})
        if related:
            result["relatedLocations"] = related
    return result


class SarifReporter:
    name = "sarif"
    suffix = ".sarif"

    def render(self, report: AuditReport) -> str:
        registry = load_registry()
        used = sorted({f.rule for f in report.findings})
        rules = [r for r in (registry.by_id(rule_id) for rule_id in used) if r is not None]
        rule_index = {rule.id: index for index, rule in enumerate(rules)}
        document = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "prodready",
                            "version": report.tool_version,
                            "informationUri": DOCS,
                            "rules": [_rule_entry(rule) for rule in rules],
                        }
                    },
                    "originalUriBaseIds": {"%SRCROOT%": {"uri": "file://" + report.target.rstrip("/") + "/"}},
                    "results": [_result(f, rule_index) for f in report.findings if f.rule in rule_index],
                    "invocations": [{"executionSuccessful": True, "startTimeUtc": report.started_at}],
                }
            ],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
