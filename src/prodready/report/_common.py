"""What every human-facing report derives from an AuditReport: numbering, phases, checklists,
the configuration matrix. Reporters only format these."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from prodready.model import AuditReport, Category, Finding, Severity
from prodready.rules.registry import load_registry

PHASES: tuple[tuple[str, tuple[Category, ...]], ...] = (
    ("Phase 1 — Security", (Category.SECRETS, Category.CORS, Category.AUTHENTICATION, Category.INPUT_VALIDATION)),
    ("Phase 2 — Reliability", (Category.TIMEOUTS, Category.RESOURCE_LEAKS, Category.UNBOUNDED_GROWTH, Category.CONCURRENCY,
                               Category.ERROR_HANDLING, Category.PROCESS_MANAGEMENT, Category.RETRIES, Category.DATABASE)),
    ("Phase 3 — Operations", (Category.RATE_LIMITING, Category.CONTAINER, Category.HEALTH_CHECKS, Category.CONFIGURATION,
                              Category.LOGGING, Category.OBSERVABILITY)),
    ("Phase 4 — Quality", (Category.TESTING,)),
)
SECRETISH = re.compile(r"(?i)(secret|password|passwd|token|api_?key|private|credential|dsn)")


@dataclass(frozen=True)
class Numbered:
    label: str  # CRITICAL-1
    finding: Finding
    title: str
    why: str
    example: str

    @property
    def location(self) -> str:
        if self.finding.path is None:
            return "(project)"
        return f"{self.finding.path}:{self.finding.line}" if self.finding.line else self.finding.path

    @property
    def also_at(self) -> list[str]:
        """The other places of the same defect (`path:line`)."""
        return [f"{loc.path}:{loc.line}" if loc.line else str(loc.path) for loc in self.finding.all_locations[1:]]


def numbered(report: AuditReport) -> list[Numbered]:
    registry = load_registry()
    counters: Counter[str] = Counter()
    result = []
    for finding in sorted(report.findings, key=lambda f: f.sort_key):
        counters[finding.severity.value] += 1
        rule = registry.by_id(finding.rule)
        result.append(
            Numbered(
                label=f"{finding.severity.value.upper()}-{counters[finding.severity.value]}",
                finding=finding,
                title=rule.title if rule else finding.rule,
                why=rule.section("Why it matters in production") if rule else "",
                example=rule.section("Use instead") if rule else "",
            )
        )
    return result


def by_category(report: AuditReport) -> dict[str, Counter[str]]:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in report.findings:
        table[finding.category.value][finding.severity.value] += 1
    return dict(sorted(table.items()))


def passed_checks(report: AuditReport) -> list[dict[str, Any]]:
    """Per category: rules that examined code, candidates examined, how many passed."""
    grouped: dict[str, dict[str, Any]] = {}
    registry = load_registry()
    for check in report.checks:
        row = grouped.setdefault(check.category.value, {"category": check.category.value, "rules": 0, "examined": 0, "passed": 0, "clean_rules": []})
        row["rules"] += 1
        row["examined"] += check.examined
        row["passed"] += check.passed
        if check.passed == check.examined:
            rule = registry.by_id(check.rule)
            row["clean_rules"].append(f"{check.rule} {rule.title if rule else ''}".strip())
    return [grouped[k] for k in sorted(grouped)]


def risk_rows(report: AuditReport) -> list[dict[str, Any]]:
    rows = []
    for category, counts in by_category(report).items():
        worst = max((Severity(s) for s in counts), key=lambda s: s.rank)
        risk = {4: "Critical", 3: "High", 2: "Medium", 1: "Low", 0: "Info"}[worst.rank]
        rows.append({"category": category, "findings": sum(counts.values()), "worst": worst.value, "risk": risk})
    return sorted(rows, key=lambda r: (-Severity(r["worst"]).rank, r["category"]))


def phases(items: list[Numbered]) -> list[tuple[str, list[Numbered]]]:
    result = []
    for title, categories in PHASES:
        members = [n for n in items if n.finding.category in categories and n.finding.severity.rank >= Severity.MEDIUM.rank]
        if title.endswith("Quality"):
            members += [n for n in items if n.finding.severity.rank < Severity.MEDIUM.rank and n not in members]
        if members:
            result.append((title, members))
    return result


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


def checklists(report: AuditReport, items: list[Numbered]) -> tuple[list[str], list[str]]:
    pre: list[str] = []
    for item in items:
        if item.finding.severity.rank >= Severity.HIGH.rank:
            pre.append(f"Fix {item.label}: {item.title} ({item.location})")
    medium = [i for i in items if i.finding.severity == Severity.MEDIUM]
    if medium:
        pre.append(f"Fix or accept (baseline) the {len(medium)} medium findings")
    required = [r["name"] for r in config_matrix(report) if r["default"] is None]
    if required:
        pre.append("Set required environment variables: " + ", ".join(required[:15]))
    if any(r["secret"] for r in config_matrix(report)):
        pre.append("Load secrets from the secret store, rotate any value that was ever committed")
    if report.facts.get("dockerfiles"):
        pre.append("Build images from pinned bases and run them as a non-root user")
    pre.append("Re-run `prodready audit` and `prodready diff` against this report: no new critical/high")
    post: list[str] = []
    routes = report.facts.get("routes", [])
    health = [r["path"] for r in routes if re.search(r"(?i)(health|live|ready|ping)", str(r["path"]))]
    if health:
        post.append("Health endpoints answer 200 within 1s: " + ", ".join(sorted(set(health))))
    else:
        post.append("Add and probe a health endpoint (none found in the code)")
    protected = [f"{r['method']} {r['path']}" for r in routes if r.get("auth")]
    if protected:
        post.append("Protected routes answer 401/403 without credentials, e.g. " + ", ".join(protected[:3]))
    if any(r.get("rate_limited") for r in routes):
        post.append("A burst past the rate limit gets 429 with Retry-After")
    post.append("CORS: a foreign Origin is not reflected with credentials")
    post.append("Watch memory (RSS), open files and error rate for 24h: no unbounded growth")
    post.append("SIGTERM under load: in-flight requests finish, process exits within its deadline")
    return pre, post
