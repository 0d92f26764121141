"""Domain types shared by the engine, the rules and the reporters."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class Confidence(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Category(enum.StrEnum):
    """The fixed taxonomy; JSON ``category`` values."""

    ERROR_HANDLING = "error-handling"
    TIMEOUTS = "timeouts"
    RETRIES = "retries"
    RESOURCE_LEAKS = "resource-leaks"
    UNBOUNDED_GROWTH = "unbounded-growth"
    CONCURRENCY = "concurrency"
    RATE_LIMITING = "rate-limiting"
    AUTHENTICATION = "authentication"
    INPUT_VALIDATION = "input-validation"
    CORS = "cors"
    SECRETS = "secrets"
    CONFIGURATION = "configuration"
    CONTAINER = "container"
    HEALTH_CHECKS = "health-checks"
    LOGGING = "logging"
    OBSERVABILITY = "observability"
    PROCESS_MANAGEMENT = "process-management"
    TESTING = "testing"
    DATABASE = "database"


class Language(enum.StrEnum):
    PYTHON = "python"
    JAVASCRIPT = "javascript"
    TYPESCRIPT = "typescript"
    GO = "go"
    DOCKERFILE = "dockerfile"
    COMPOSE = "compose"
    KUBERNETES = "kubernetes"
    DOTENV = "dotenv"
    APPCONFIG = "appconfig"  # the service's own settings files: conf/app.ini, config/default.json
    SHELL = "shell"  # sh/bash scripts: container entrypoints and start scripts
    NGINX = "nginx"
    MANIFEST = "manifest"
    REPO = "repo"
    RUNTIME = "runtime"  # rules judged on the running service by `prodready verify`, never on files


JS_LANGS = frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT})


class Verdict(enum.StrEnum):
    NOT_READY = "NOT READY"
    READY_WITH_RECOMMENDATIONS = "READY WITH RECOMMENDATIONS"
    READY = "READY"


# A related place (Hit.related) this many lines or fewer from the finding's own line is the same
# place to a reader: the engine folds it away.
RELATED_NEAR = 4


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule reports: only what varies per finding. The engine adds the rest."""

    line: int | None
    message: str
    end_line: int | None = None
    path: str | None = None  # project rules name the most relevant file
    evidence: str | None = None  # project rules may give their own evidence text
    anchor: str = ""  # stable text that identifies the finding (e.g. the enclosing def)
    # further places of the same defect in the same file, as (line, what is there): where a
    # collection is declared when the finding points at where it grows
    related: tuple[tuple[int, str], ...] = ()
    # further places in other files, as (path, line, what is there): the handler a route names
    elsewhere: tuple[tuple[str, int | None, str], ...] = ()  # (a whole file: line None)


@dataclass(frozen=True, slots=True)
class Location:
    """One place where a defect occurs. A finding lists every place of one defect."""

    path: str | None
    line: int | None
    end_line: int | None = None
    message: str = ""
    evidence: str = ""
    fingerprint: str = ""  # identity of this instance (what baselines accept)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "end_line": self.end_line,
            "message": self.message,
            "evidence": self.evidence,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Location:
        return cls(
            path=data.get("path"),
            line=data.get("line"),
            end_line=data.get("end_line"),
            message=str(data.get("message", "")),
            evidence=str(data.get("evidence", "")),
            fingerprint=str(data.get("fingerprint", "")),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    fingerprint: str
    rule: str
    category: Category
    severity: Severity
    confidence: Confidence
    path: str | None
    line: int | None
    end_line: int | None
    message: str
    evidence: str
    fix: str
    references: tuple[str, ...]
    title: str = ""
    # Every place of this defect, the first being path/line; empty means just path/line.
    locations: tuple[Location, ...] = ()
    # The old id of the per-language matcher that found it, when it had one (RuleMeta.aliases):
    # that id still suppresses and ignores it and seeds its fingerprints. Not in the JSON report.
    matcher: str = ""

    @property
    def all_locations(self) -> tuple[Location, ...]:
        if self.locations:
            return self.locations
        return (Location(self.path, self.line, self.end_line, self.message, self.evidence, self.fingerprint),)

    def to_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "category": self.category.value,
            "severity": self.severity.value,
            "confidence": self.confidence.value,
            "path": self.path,
            "line": self.line,
            "end_line": self.end_line,
            "message": self.message,
            "evidence": self.evidence,
            "fix": self.fix,
            "references": list(self.references),
            "locations": [loc.to_json() for loc in self.all_locations],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(
            fingerprint=str(data["fingerprint"]),
            rule=str(data["rule"]),
            category=Category(data["category"]),
            severity=Severity(data["severity"]),
            confidence=Confidence(data.get("confidence", "medium")),
            path=data.get("path"),
            line=data.get("line"),
            end_line=data.get("end_line"),
            message=str(data.get("message", "")),
            evidence=str(data.get("evidence", "")),
            fix=str(data.get("fix", "")),
            references=tuple(data.get("references", ())),
            locations=tuple(Location.from_json(loc) for loc in data.get("locations", ()) if isinstance(loc, dict)),
            matcher=str(data.get("matcher", "")),
        )

    @property
    def sort_key(self) -> tuple[int, str, str, int, str]:
        return (-self.severity.rank, self.category.value, self.path or "", self.line or 0, self.rule)


@dataclass(slots=True)
class CheckTally:
    category: Category
    rule: str
    examined: int = 0
    passed: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category.value,
            "rule": self.rule,
            "examined": self.examined,
            "passed": self.passed,
        }


@dataclass(slots=True)
class SkippedFile:
    path: str
    reason: str


@dataclass(slots=True)
class AuditReport:
    target: str
    started_at: str
    duration_s: float
    findings: list[Finding]
    checks: list[CheckTally]
    facts: dict[str, Any]
    files_scanned: int
    files_by_language: dict[str, int] = field(default_factory=dict)
    skipped: list[SkippedFile] = field(default_factory=list)
    suppressed: int = 0
    baselined: int = 0
    unused_suppressions: list[dict[str, Any]] = field(default_factory=list)
    tool_version: str = ""
    warnings: list[str] = field(default_factory=list)  # config or store problems the reader must see
    # Findings silenced by an inline comment, with the comment's reason (SARIF carries them as
    # suppressed results); and the file project-wide findings are anchored on where a format
    # needs a place (the manifest, else the README, ...), relative to target.
    suppressed_findings: list[tuple[Finding, str]] = field(default_factory=list)
    project_file: str | None = None

    @property
    def verdict(self) -> Verdict:
        return verdict_for(self.findings)

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts


def verdict_for(findings: list[Finding]) -> Verdict:
    worst = max((f.severity.rank for f in findings), default=-1)
    if worst >= Severity.HIGH.rank:
        return Verdict.NOT_READY
    if worst >= Severity.LOW.rank:
        return Verdict.READY_WITH_RECOMMENDATIONS
    return Verdict.READY
