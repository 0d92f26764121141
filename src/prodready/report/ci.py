"""Formats CI systems read: GitHub workflow annotations, GitLab code quality, JUnit XML.

Paths are relative to the repository root (found from ``.git``, or ``--project-root``) so the
annotations land on the right file in a monorepo. Project-wide findings sit on the project's
manifest or README.
"""

from __future__ import annotations

import hashlib
import json
from xml.sax.saxutils import escape, quoteattr

from prodready.model import AuditReport, Finding, Location, Severity
from prodready.repo import prefix_within
from prodready.report.options import ReportOptions


class _Located:
    def __init__(self) -> None:
        self.options = ReportOptions()

    def configure(self, options: ReportOptions) -> None:
        self.options = options

    def _prefix(self, report: AuditReport) -> str:
        return prefix_within(report.target, self.options.project_root) if report.target else ""

    @staticmethod
    def _path(report: AuditReport, prefix: str, loc: Location) -> str:
        return prefix + (loc.path or report.project_file or "README.md")


# --- GitHub: ::error file=...,line=...,title=...::message -------------------------------------

_GITHUB_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
                 Severity.LOW: "notice", Severity.INFO: "notice"}


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(_Located):
    """One workflow command per place: ``::error file=F,line=L,endLine=E,title=T::message``."""

    name = "github"
    suffix = ".txt"

    def render(self, report: AuditReport) -> str:
        prefix = self._prefix(report)
        lines = []
        for finding in report.findings:
            for loc in finding.all_locations:
                props = [f"file={_gh_property(self._path(report, prefix, loc))}"]
                if loc.path is not None and loc.line:
                    props.append(f"line={loc.line}")
                    if loc.end_line and loc.end_line > loc.line:
                        props.append(f"endLine={loc.end_line}")
                props.append(f"title={_gh_property(f'{finding.rule} {finding.title or finding.category.value}')}")
                message = loc.message or finding.message
                if finding.fix:
                    message += f"\nFix: {finding.fix}"
                lines.append(f"::{_GITHUB_LEVEL[finding.severity]} {','.join(props)}::{_gh_data(message)}")
        return "".join(line + "\n" for line in lines)


# --- GitLab code quality (a CodeClimate subset) ----------------------------------------------

_GITLAB_SEVERITY = {Severity.CRITICAL: "blocker", Severity.HIGH: "critical", Severity.MEDIUM: "major",
                    Severity.LOW: "minor", Severity.INFO: "info"}


class GitlabReporter(_Located):
    """The JSON array GitLab reads as ``artifacts: reports: codequality``."""

    name = "gitlab"
    suffix = ".json"

    def render(self, report: AuditReport) -> str:
        prefix = self._prefix(report)
        issues = []
        for finding in report.findings:
            for loc in finding.all_locations:
                fingerprint = loc.fingerprint or finding.fingerprint
                issues.append({
                    "type": "issue",
                    "check_name": finding.rule,
                    "description": f"{finding.rule}: {loc.message or finding.message}",
                    "content": {"body": finding.fix},
                    "categories": [finding.category.value],
                    "severity": _GITLAB_SEVERITY[finding.severity],
                    # Unique per place and per project in a monorepo (GitLab dedups by it).
                    "fingerprint": hashlib.sha256(f"{prefix}\x1f{fingerprint}".encode()).hexdigest()[:32],
                    "location": {
                        "path": self._path(report, prefix, loc),
                        "lines": {"begin": loc.line if loc.path is not None and loc.line else 1},
                    },
                })
        return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


# --- JUnit XML: one test case per check, a failure per finding place -------------------------

class JunitReporter(_Located):
    """One ``<testsuite>`` per category, one ``<testcase>`` per rule that ran, failed by one
    ``<failure>`` listing every place the rule found (a test case per rule keeps the test count
    stable between runs)."""

    name = "junit"
    suffix = ".xml"

    def render(self, report: AuditReport) -> str:
        prefix = self._prefix(report)
        by_rule: dict[str, list[Finding]] = {}
        for finding in report.findings:
            by_rule.setdefault(finding.rule, []).append(finding)
        categories: dict[str, dict[str, tuple[str, list[Finding]]]] = {}
        for tally in report.checks:
            categories.setdefault(tally.category.value, {})[tally.rule] = (tally.category.value, by_rule.get(tally.rule, []))
        for rule, findings in by_rule.items():
            categories.setdefault(findings[0].category.value, {}).setdefault(rule, (findings[0].category.value, findings))
        total = sum(len(rules) for rules in categories.values())
        failed = sum(1 for rules in categories.values() for _, found in rules.values() if found)
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               f'<testsuites name="prodready" tests="{total}" failures="{failed}" time="{report.duration_s}">']
        for category in sorted(categories):
            rules = categories[category]
            fails = sum(1 for _, found in rules.values() if found)
            out.append(f'  <testsuite name={quoteattr("prodready." + category)} tests="{len(rules)}" failures="{fails}">')
            for rule in sorted(rules):
                found = rules[rule][1]
                out.append(f'    <testcase classname={quoteattr("prodready." + category)} name={quoteattr(rule)}>')
                places = [
                    (finding, loc, self._path(report, prefix, loc) + (f":{loc.line}" if loc.path is not None and loc.line else ""))
                    for finding in found for loc in finding.all_locations
                ]
                if places:
                    first, loc, where = places[0]
                    summary = f"{where}: {loc.message or first.message}"
                    if len(places) > 1:
                        summary += f" (and {len(places) - 1} more)"
                    body = "\n".join(f"{w}: [{f.severity.value}] {lo.message or f.message}" for f, lo, w in places)
                    out.append(f"      <failure type={quoteattr(first.severity.value)} message={quoteattr(summary)}>"
                               f"{escape(body + chr(10) + 'fix: ' + first.fix)}</failure>")
                out.append("    </testcase>")
            out.append("  </testsuite>")
        out.append("</testsuites>")
        return "\n".join(out) + "\n"
