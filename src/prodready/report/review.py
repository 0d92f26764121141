"""The review a senior engineer would sign, as data: defects in the order to fix them, phases, the
findings that decide the verdict, the service as understood, strengths, blind spots and smoke
tests. The Markdown and HTML reporters only format this."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from prodready.model import AuditReport, Category, Finding, Severity, Verdict
from prodready.report.fixes import ProjectNames, fix_example, project_names
from prodready.rules.registry import find_rule, matcher_for

BEFORE_LAUNCH, FIRST_WEEK, LATER = "Before launch", "First week", "Later"
PHASE_ORDER = (BEFORE_LAUNCH, FIRST_WEEK, LATER)
PHASE_NOTE = {
    BEFORE_LAUNCH: "critical and high: each one is a likely incident or an open door",
    FIRST_WEEK: "medium: fix while the service is new and the team still remembers it",
    LATER: "low and costly-but-contained work: plan it, or accept it in a baseline",
}

# Effort: small = config/one call, medium = code in a few places, large = new capability.
EFFORT_OF_CATEGORY = {
    Category.CORS: 1, Category.SECRETS: 1, Category.CONFIGURATION: 1, Category.CONTAINER: 1,
    Category.TIMEOUTS: 1, Category.LOGGING: 1, Category.HEALTH_CHECKS: 1, Category.DATABASE: 1,
    Category.ERROR_HANDLING: 1, Category.RESOURCE_LEAKS: 1, Category.RETRIES: 1,
    Category.RATE_LIMITING: 2, Category.INPUT_VALIDATION: 2, Category.CONCURRENCY: 2,
    Category.UNBOUNDED_GROWTH: 2, Category.PROCESS_MANAGEMENT: 2, Category.AUTHENTICATION: 2,
    Category.OBSERVABILITY: 2, Category.TESTING: 3,
}
EFFORT_OF_RULE = {"PR-DB-301": 2, "PR-TS-302": 2, "PR-SE-302": 1}
EFFORT_NAME = {1: "small", 2: "medium", 3: "large"}
# Blast radius: 3 = the whole service or its users' data, 2 = one component under load, 1 = one place.
BLAST_OF_CATEGORY = {
    Category.CORS: 3, Category.SECRETS: 3, Category.AUTHENTICATION: 3, Category.INPUT_VALIDATION: 3,
    Category.RATE_LIMITING: 3, Category.CONTAINER: 2, Category.HEALTH_CHECKS: 2, Category.CONFIGURATION: 2,
    Category.TIMEOUTS: 2, Category.UNBOUNDED_GROWTH: 2, Category.CONCURRENCY: 2, Category.DATABASE: 2,
    Category.PROCESS_MANAGEMENT: 2, Category.RETRIES: 2, Category.OBSERVABILITY: 2, Category.TESTING: 2,
    Category.LOGGING: 1, Category.ERROR_HANDLING: 1, Category.RESOURCE_LEAKS: 1,
}
BLAST_NAME = {1: "one place", 2: "one component", 3: "whole service"}

RISK_AREAS: tuple[tuple[str, tuple[Category, ...], str], ...] = (
    ("Security breach or data leak", (Category.AUTHENTICATION, Category.CORS, Category.SECRETS, Category.INPUT_VALIDATION),
     "Critical"),
    ("Outage or hung requests", (Category.TIMEOUTS, Category.RETRIES, Category.CONCURRENCY, Category.DATABASE,
                                 Category.HEALTH_CHECKS, Category.PROCESS_MANAGEMENT), "High"),
    ("Resource exhaustion and cost", (Category.UNBOUNDED_GROWTH, Category.RESOURCE_LEAKS, Category.RATE_LIMITING), "High"),
    ("Unsafe deployment", (Category.CONTAINER, Category.CONFIGURATION), "High"),
    ("Blind operations (errors, logs, metrics, tests)", (Category.ERROR_HANDLING, Category.LOGGING, Category.OBSERVABILITY,
                                                         Category.TESTING), "Medium"),
)
PRIORITY_OF_PHASE = {BEFORE_LAUNCH: "P0", FIRST_WEEK: "P1", LATER: "P2"}
LIKELIHOOD = {4: "High", 3: "High", 2: "Medium", 1: "Low", 0: "Low"}

FRAMEWORK_LABEL = {"fastapi": "FastAPI", "flask": "Flask", "django": "Django", "starlette": "Starlette",
                   "aiohttp": "aiohttp", "express": "Express", "nextjs": "Next.js", "koa": "Koa", "fastify": "Fastify",
                   "net/http": "net/http", "gin": "Gin", "echo": "Echo", "chi": "chi", "fiber": "Fiber",
                   "gorilla/mux": "gorilla/mux", "gorilla/websocket": "gorilla/websocket"}
CLIENT_LABEL = {"redis": "Redis", "sqlalchemy.engine": "SQL database (SQLAlchemy)", "llm": "LLM API",
                "mongo": "MongoDB", "pg": "PostgreSQL", "postgres": "PostgreSQL", "sql.DB": "SQL database"}
LANG_LABEL = {"python": "Python", "javascript": "JavaScript", "typescript": "TypeScript", "go": "Go"}
COVERED = "Python, JavaScript/TypeScript, Go, Dockerfiles, compose, Kubernetes YAML, .env files and manifests"


@dataclass(frozen=True)
class Defect:
    label: str  # HIGH-3
    finding: Finding
    title: str
    why: str
    fix: str
    example_lang: str
    example: str
    effort: int
    blast: int
    phase: str

    @property
    def rule(self) -> str:
        return self.finding.rule

    @property
    def places(self) -> list[str]:
        return [place(loc.path, loc.line) for loc in self.finding.all_locations]

    @property
    def location(self) -> str:
        return self.places[0]

    @property
    def effort_name(self) -> str:
        return EFFORT_NAME[self.effort]

    @property
    def blast_name(self) -> str:
        return BLAST_NAME[self.blast]

    @property
    def files(self) -> list[str]:
        return sorted({loc.path for loc in self.finding.all_locations if loc.path})


@dataclass(eq=False, repr=False)  # never compared or printed: spare generating both
class Review:
    report: AuditReport
    names: ProjectNames
    defects: list[Defect]
    deciding: list[Defect]
    phases: list[tuple[str, list[Defect]]]
    risks: list[dict[str, Any]]
    service: list[str]
    strengths: list[str]
    blind_spots: list[str]
    smoke: list[tuple[str, str]]  # (command, expectation)
    post_checks: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> Verdict:
        return self.report.verdict

    def verdict_reason(self) -> str:
        counts = self.report.counts()
        blocking = counts["critical"] + counts["high"]
        if self.verdict == Verdict.NOT_READY:
            parts = [f"{counts[s]} {s}" for s in ("critical", "high") if counts[s]]
            return (f"{' and '.join(parts)} finding{'s' if blocking > 1 else ''} must be fixed before launch; "
                    f"{counts['medium'] + counts['low']} medium/low can follow in the first weeks.")
        if self.verdict == Verdict.READY_WITH_RECOMMENDATIONS:
            return f"nothing blocks a launch; {counts['medium']} medium and {counts['low']} low findings are worth planning."
        return "no findings at or above low in the code and configuration prodready reads."


def place(path: str | None, line: int | None) -> str:
    if path is None:
        return "(project)"
    return f"{path}:{line}" if line else path


def first_sentences(text: str, limit: int = 2) -> str:
    flat = " ".join(text.split())
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z`(])", flat)
    return " ".join(parts[:limit])


def _phase(finding: Finding, effort: int, blast: int) -> str:
    if finding.severity.rank >= Severity.HIGH.rank:
        return BEFORE_LAUNCH
    if finding.severity == Severity.MEDIUM:
        return LATER if effort >= 3 and blast <= 1 else FIRST_WEEK
    return LATER


def _effort(finding: Finding) -> int:
    effort = EFFORT_OF_RULE.get(finding.rule, EFFORT_OF_CATEGORY.get(finding.category, 2))
    if len(finding.all_locations) > 5:
        effort = min(effort + 1, 3)
    return effort


def _blast(finding: Finding) -> int:
    blast = BLAST_OF_CATEGORY.get(finding.category, 2)
    if finding.line is None and blast < 3 and finding.category not in {Category.TESTING, Category.OBSERVABILITY}:
        blast += 1  # project-wide: every request is affected
    return blast


def build_review(report: AuditReport) -> Review:
    names = project_names(report.facts)
    staged = []
    for finding in report.findings:
        effort, blast = _effort(finding), _blast(finding)
        phase = _phase(finding, effort, blast)
        staged.append((finding, effort, blast, phase))
    staged.sort(key=lambda s: (PHASE_ORDER.index(s[3]), -s[0].severity.rank, -s[2], s[1], s[0].category.value,
                               s[0].path or "", s[0].line or 0, s[0].rule))
    counters: Counter[str] = Counter()
    defects = []
    for finding, effort, blast, phase in staged:
        counters[finding.severity.value] += 1
        rule = find_rule(finding.rule)
        # One id, per-language wording: the why and the example of the matcher that found it.
        worded = matcher_for(rule, finding.matcher, finding.path) if rule else None
        language, example = fix_example(finding.rule, finding.path, worded.section("Use instead") if worded else "", names)
        defects.append(Defect(
            label=f"{finding.severity.value.upper()}-{counters[finding.severity.value]}",
            finding=finding,
            title=rule.title if rule else finding.rule,
            why=first_sentences(worded.section("Why it matters in production")) if worded else "",
            fix=finding.fix,
            example_lang=language,
            example=example,
            effort=effort,
            blast=blast,
            phase=phase,
        ))
    phases = [(name, [d for d in defects if d.phase == name]) for name in PHASE_ORDER]
    phases = [(name, members) for name, members in phases if members]
    review = Review(
        report=report, names=names, defects=defects, deciding=_deciding(defects), phases=phases,
        risks=_risks(defects), service=_service(report, names), strengths=_strengths(report),
        blind_spots=_blind_spots(report, names), smoke=_smoke(report, names),
    )
    review.post_checks = _post_checks(report)
    return review


def _deciding(defects: list[Defect]) -> list[Defect]:
    """The 3-5 findings that decide the verdict: the top of the order, one per category."""
    pool = [d for d in defects if d.phase == BEFORE_LAUNCH] or [d for d in defects if d.phase == FIRST_WEEK] or defects
    chosen: list[Defect] = []
    seen: set[Category] = set()
    for defect in pool:
        if defect.finding.category not in seen:
            chosen.append(defect)
            seen.add(defect.finding.category)
        if len(chosen) == 5:
            break
    return chosen


def _risks(defects: list[Defect]) -> list[dict[str, Any]]:
    rows = []
    for area, categories, impact in RISK_AREAS:
        members = [d for d in defects if d.finding.category in categories]
        if not members:
            continue
        worst = max(members, key=lambda d: d.finding.severity.rank)
        first_phase = min(PHASE_ORDER.index(d.phase) for d in members)
        phase = PHASE_ORDER[first_phase]
        rows.append({
            "first": min(defects.index(d) for d in members if d.phase == phase),
            "area": area, "findings": len(members), "worst": worst.finding.severity.value,
            "impact": impact, "likelihood": LIKELIHOOD[worst.finding.severity.rank],
            "priority": PRIORITY_OF_PHASE[phase], "phase": phase,
            "labels": [d.label for d in members if d.phase == phase][:6],
        })
    return sorted(rows, key=lambda r: (r["priority"], r["first"]))  # the order of work


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _service(report: AuditReport, names: ProjectNames) -> list[str]:
    facts = report.facts
    lines: list[str] = []
    langs = {k: v for k, v in (facts.get("languages") or report.files_by_language).items()}
    code = [f"{n} {LANG_LABEL[lang]}" for lang, n in langs.items() if lang in LANG_LABEL]
    frameworks = [FRAMEWORK_LABEL.get(f, f) for f in facts.get("frameworks", []) if f in FRAMEWORK_LABEL]
    what = "**What:** " + (", ".join(frameworks) + " service" if frameworks else "service with no web framework detected")
    what += f" ({', '.join(code)} files)" if code else ""
    routes = [r for r in facts.get("routes", []) if isinstance(r, dict)]
    entry = sorted({str(r["file"]) for r in routes})
    if entry:
        what += f"; routes declared in {', '.join(f'`{e}`' for e in entry[:3])}"
    if names.cmd:
        what += f"; the image starts `{names.cmd}`"
    lines.append(what + ".")
    if routes:
        ws = [r for r in routes if r.get("kind") == "websocket"]
        authed = [r for r in routes if r.get("auth")]
        open_routes = [f"{r['method']} {r['path']}" for r in routes if not r.get("auth")]
        limited = sum(1 for r in routes if r.get("rate_limited"))
        via = sorted({str(r.get("auth_via")) for r in authed if r.get("auth_via")})
        text = (f"**API:** {_plural(len(routes) - len(ws), 'HTTP route')}"
                + (f" and {_plural(len(ws), 'WebSocket')}" if ws else "")
                + f"; {len(authed)} require authentication" + (f" ({', '.join(f'`{v}`' for v in via[:2])})" if via else "")
                + (f", {len(open_routes)} are open: " + ", ".join(f"`{r}`" for r in open_routes[:5]) if open_routes else "")
                + f"; {limited if limited else 'none'} rate limited.")
        lines.append(text)
    else:
        lines.append("**API:** no HTTP routes found in the code.")
    clients = [c for c in facts.get("clients", []) if isinstance(c, dict)]
    stores = []
    for client in clients:
        label = CLIENT_LABEL.get(str(client.get("kind")), str(client.get("kind")))
        stores.append(f"{label} (`{client.get('call', '')}` at {client.get('file')}:{client.get('line')})")
    lines.append("**Data stores and clients:** " + ("; ".join(dict.fromkeys(stores)) if stores else "none created in the code") + ".")
    deploy = []
    for container in facts.get("containers", []) or []:
        exposed = container.get("expose") or []
        deploy.append(f"`{container.get('file')}` (base `{container.get('base')}`"
                      + (f", EXPOSE {', '.join(exposed)}" if exposed else "") + ")")
    if not deploy:
        deploy = [f"`{d}`" for d in facts.get("dockerfiles", [])]
    services = [s for s in facts.get("services", []) if isinstance(s, dict)]
    if services:
        described = []
        for service in services:
            what_runs = f"build {service['build']}" if service.get("build") else str(service.get("image") or "?")
            ports = service.get("ports") or []
            described.append(f"`{service['name']}` ({what_runs}" + (f", ports {', '.join(ports)}" if ports else "") + ")")
        deploy.append("compose services " + ", ".join(described))
    lines.append("**Deployment:** " + ("; ".join(deploy) if deploy else "no Dockerfile, compose or Kubernetes files found")
                 + (f"; the service listens on port {names.port}" if deploy else "") + ".")
    env_vars = {str(e["name"]) for e in facts.get("env_vars", []) if isinstance(e, dict)}
    documented = set(facts.get("documented_env", []))
    tests = facts.get("test_files", 0)
    lines.append(f"**Configuration and tests:** {_plural(len(env_vars), 'environment variable')} read"
                 f" ({len(env_vars - documented)} documented nowhere); {_plural(int(tests or 0), 'test file')} with tests.")
    return lines


def _strengths(report: AuditReport) -> list[str]:
    failing = {f.rule for f in report.findings}
    lines: list[str] = []
    routes = [r for r in report.facts.get("routes", []) if isinstance(r, dict)]
    authed = [r for r in routes if r.get("auth")]
    if authed:
        lines.append(f"{len(authed)} of {len(routes)} routes require authentication"
                     f" (e.g. `{authed[0]['method']} {authed[0]['path']}` via `{authed[0].get('auth_via') or 'middleware'}`).")
    limited = [r for r in routes if r.get("rate_limited")]
    if limited:
        lines.append(f"{len(limited)} routes are rate limited (e.g. `{limited[0]['path']}` via `{limited[0].get('limit_via')}`).")
    passed = sorted(
        (c for c in report.checks if c.examined and c.passed == c.examined and c.rule not in failing),
        key=lambda c: (-c.examined, c.rule),
    )
    by_category: dict[str, list[str]] = {}
    for check in passed:
        rule = find_rule(check.rule)
        title = rule.title if rule else check.rule
        noun = "candidate" if check.examined == 1 else "candidates"
        by_category.setdefault(check.category.value, []).append(f"{check.examined} {noun} checked for “{title.rstrip('.')}”")
    for category, items in list(by_category.items())[:6]:
        lines.append(f"**{category}:** " + "; ".join(items[:2]) + ": none found.")
    return lines


def _blind_spots(report: AuditReport, names: ProjectNames) -> list[str]:
    lines = []
    if report.skipped:
        reasons = Counter(s.reason.split(" (")[0].split(":")[0] for s in report.skipped)
        lines.append(f"{_plural(len(report.skipped), 'file')} skipped: "
                     + ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())) + " (listed in the appendix).")
    else:
        lines.append("No file was skipped.")
    lines.append(f"Only {COVERED} are read; anything else (frontend templates, shell scripts, Terraform, CI) was not examined.")
    lines.append("Nothing was run: latency, memory growth, real CORS and auth answers, limits and shutdown are unverified — "
                 f"run `prodready verify http://localhost:{names.host_port}` against a staging instance.")
    if report.suppressed or report.baselined:
        lines.append(f"{report.suppressed} findings suppressed inline or in config, {report.baselined} accepted in a baseline.")
    return lines


def _smoke(report: AuditReport, names: ProjectNames) -> list[tuple[str, str]]:
    base = f"http://localhost:{names.host_port}"
    routes = [r for r in report.facts.get("routes", []) if isinstance(r, dict)]
    smoke: list[tuple[str, str]] = []
    health = [r for r in routes if re.search(r"(?i)(health|live|ready|ping)", str(r.get("path", ""))) and r.get("kind") != "websocket"]
    for route in health[:3]:
        smoke.append((f"curl -fsS -m 2 {base}{route['path']}", "200 within 2 s"))
    if not health:
        smoke.append((f"curl -fsS -m 2 {base}/healthz", "404 today: add a health endpoint"))
    protected = [r for r in routes if r.get("auth") and r.get("kind") != "websocket" and "{" not in str(r.get("path"))
                 and ":" not in str(r.get("path"))]
    for route in protected[:1]:
        smoke.append((f"curl -s -o /dev/null -w '%{{http_code}}\\n' -X {route['method']} {base}{route['path']}", "401 or 403 without credentials"))
    smoke.append((f"curl -s -D - -o /dev/null -H 'Origin: https://evil.example' {base}{(health[0]['path'] if health else '/')}",
                  "no Access-Control-Allow-Origin for a foreign origin"))
    target = next((r for r in routes if r.get("kind") != "websocket" and "{" not in str(r.get("path"))
                   and not re.search(r"(?i)health|ready", str(r.get("path")))), None)
    path = str(target["path"]) if target else (health[0]["path"] if health else "/")
    smoke.append((f"for i in $(seq 1 100); do curl -s -o /dev/null -w '%{{http_code}}\\n' {base}{path}; done | sort | uniq -c",
                  "some 429 once the limit is passed"))
    return smoke


def _post_checks(report: AuditReport) -> list[str]:
    return [
        "Watch memory (RSS), open files and error rate for 24 h: no unbounded growth",
        "SIGTERM under load: in-flight requests finish and the process exits within its deadline",
        "Re-run `prodready audit` and `prodready diff` against this report: no new critical or high",
    ]
