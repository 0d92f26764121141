"""Probe results -> ordinary Findings of the runtime rules, and the `checks` tallies."""

from __future__ import annotations

from collections.abc import Iterable

from prodready.model import CheckTally, Finding, Severity
from prodready.redact import redact_message
from prodready.rules.registry import find_rule
from prodready.runtime.model import ProbeResult
from prodready.tracking.fingerprint import fingerprint


def build_findings(
    results: Iterable[ProbeResult], severity_overrides: dict[str, str] | None = None
) -> tuple[list[Finding], list[CheckTally]]:
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    tallies: dict[str, CheckTally] = {}
    for result in results:
        rule = find_rule(result.rule)
        if rule is None:
            raise KeyError(f"probe {result.probe} names an unknown rule {result.rule}")
        if result.passed is None:
            continue
        tally = tallies.setdefault(rule.id, CheckTally(rule.category, rule.id))
        key = (rule.id, result.target)
        if result.passed:
            if key not in seen:
                tally.examined += 1
                tally.passed += 1
            continue
        if key in seen:  # the same defect met by two probes: one finding
            continue
        seen.add(key)
        tally.examined += 1
        severity = Severity((severity_overrides or {}).get(rule.id, rule.severity.value))
        findings.append(Finding(
            fingerprint=fingerprint(rule.id, result.file, result.target, f"runtime:{result.probe}"),
            rule=rule.id,
            category=rule.category,
            severity=severity,
            confidence=rule.confidence,
            path=result.file,
            line=result.line,
            end_line=result.line,
            message=redact_message(result.message),
            evidence=result.evidence(),
            fix=rule.fix,
            references=rule.references,
            title=rule.title,
        ))
    findings.sort(key=lambda f: f.sort_key)
    return findings, sorted(tallies.values(), key=lambda t: t.rule)
