"""The library API: ``audit(path) -> AuditReport``. The CLI is a thin layer over this."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from prodready import __version__
from prodready.config import Config, ConfigError, expand_selectors, load_config
from prodready.engine.discover import discover
from prodready.engine.grouping import group_findings
from prodready.engine.runner import (
    FileResult,
    ResultCache,
    RunOptions,
    run_files,
    run_project_rules,
)
from prodready.engine.safeio import Limits
from prodready.model import AuditReport, Category, CheckTally, Finding, SkippedFile
from prodready.project import build_model
from prodready.rules.registry import PROJECT, registry_for, rule_index


class TargetError(ValueError):
    """The audit target is missing or unusable."""


@dataclass
class AuditSettings:
    use_cache: bool = True
    cache_dir: Path | None = None
    jobs: int = 0  # 0 = all cores
    config: Config | None = None
    select: frozenset[str] | None = None  # selectors: ids, prefixes (PR-TO), categories, ALL
    ignore: frozenset[str] = frozenset()
    limits: Limits | None = None  # default: the config's (or the built-in) per-file limits
    exclude: tuple[str, ...] = ()  # extra gitignore-style patterns, relative to the audited directory


def audit(
    path: str | os.PathLike[str],
    settings: AuditSettings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AuditReport:
    """Audit a source tree and return the finished report (findings sorted, secrets redacted)."""
    settings = settings or AuditSettings()
    root = Path(path)
    if not root.exists():
        raise TargetError(f"target does not exist: {root}")
    if not root.is_dir():
        raise TargetError(f"target is not a directory: {root}")
    if not os.access(root, os.R_OK | os.X_OK):
        raise TargetError(f"target is not readable: {root}")
    root = root.resolve()
    started = time.monotonic()
    # = datetime.now(UTC).isoformat(timespec="seconds"), without importing datetime at start-up
    started_at = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    config = settings.config if settings.config is not None else load_config(root)
    catalogue = rule_index()  # ids, names, categories: selectors need no rule module
    select = settings.select if settings.select is not None else config.select
    source = config.source or "configuration"
    warnings = list(config.warnings)
    options = RunOptions(
        select=expand_selectors(select, catalogue, "--select" if settings.select is not None else source)
        if select is not None else None,
        ignore=expand_selectors(settings.ignore, catalogue, "--ignore")
        | expand_selectors(config.disable, catalogue, source)
        | (opt_in_rules() if select is None else frozenset()),
        severity_overrides=config.severity,
        limits=settings.limits or config.limits,
    )
    check_config_rules(options, catalogue, source)
    config_prefix = _below(root, config.base_dir)
    found = discover(root, exclude=config.exclude, exclude_prefix=config_prefix, extra_exclude=settings.exclude,
                     max_file_bytes=options.limits.max_file_bytes)
    warnings += found.warnings
    if config.exclude and not found.files:
        unexcluded = discover(root, max_file_bytes=options.limits.max_file_bytes)
        if unexcluded.files:
            raise ConfigError(
                f"{source}: 'exclude' leaves no file to audit ({len(unexcluded.files)} would be audited without it)"
            )
    manifests = package_manifests(found.files, options.limits.max_file_bytes)
    server_dirs, browser_dirs = node_server_packages(manifests), browser_packages(manifests)
    if server_dirs or browser_dirs:
        options = replace(options, node_server_dirs=server_dirs, browser_dirs=browser_dirs)
    cache_dir = None
    if settings.use_cache:
        if settings.cache_dir is not None:
            cache_dir = settings.cache_dir
        else:
            from prodready.engine.store import resolve_store

            store = resolve_store(root)
            cache_dir = store.directory
            if store.warning:
                warnings.append(store.warning)
    cache = ResultCache(cache_dir, options, str(root))
    jobs = settings.jobs or min(os.cpu_count() or 1, 4)
    total = len(found.files)
    done = 0

    def tick(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, total)

    results = run_files(found.files, options, cache, jobs, tick)
    report = assemble_report(root, found.all_paths, found.skipped, results, options, started, started_at)
    if config.per_file_ignores:
        report = apply_per_file_ignores(report, config.per_file_ignores, config_prefix, catalogue)
    report.warnings = warnings
    return report


# Frameworks that make a package a Node server, and those that make it (also) a browser app.
NODE_SERVER_PACKAGES = frozenset({
    "express", "fastify", "koa", "@hapi/hapi", "hapi", "restify", "ws", "socket.io", "@nestjs/core", "hono",
    "@fastify/websocket", "polka", "micro", "uWebSockets.js",
})
BROWSER_PACKAGES = frozenset({
    "react", "react-dom", "vue", "svelte", "@angular/core", "solid-js", "preact", "next", "nuxt", "@remix-run/react",
    "astro", "@sveltejs/kit",
})


# Libraries that only run on a server: a package that depends on one (React Email templates sent
# through nodemailer, a workspace package holding the database client) is not a browser app even
# when it renders React.
SERVER_ONLY_PACKAGES = frozenset({
    "nodemailer", "pg", "mysql2", "mysql", "mongoose", "mongodb", "ioredis", "redis", "bullmq", "bull", "knex",
    "sequelize", "typeorm", "@prisma/client", "prisma", "@aws-sdk/client-ses", "@aws-sdk/client-s3", "aws-sdk",
    "bcrypt", "argon2", "better-sqlite3", "sqlite3", "pino", "winston", "@react-email/render",
})


# Frameworks whose packages also hold server code (API routes, server components, loaders).
FULL_STACK_PACKAGES = frozenset({"next", "nuxt", "@remix-run/react", "astro", "@sveltejs/kit"})


def package_manifests(files: list[Any], max_bytes: int) -> dict[str, frozenset[str]]:
    """The dependency names (dependencies and devDependencies) of each package.json, by directory
    (relative, '' = root). Unreadable or hostile manifests say nothing."""
    import json

    from prodready.engine.safeio import read_regular

    found: dict[str, frozenset[str]] = {}
    for source in files:
        if source.path.rsplit("/", 1)[-1] != "package.json":
            continue
        try:
            data = json.loads(read_regular(source.abspath, max_bytes))
        except (OSError, ValueError, RecursionError):
            continue
        if not isinstance(data, dict):
            continue
        names: set[str] = set()
        for key in ("dependencies", "devDependencies"):
            section = data.get(key)
            if isinstance(section, dict):
                names.update(str(name) for name in section)
        found[source.path.rsplit("/", 1)[0] if "/" in source.path else ""] = frozenset(names)
    return found


def node_server_packages(manifests: dict[str, frozenset[str]]) -> frozenset[str]:
    """Directories whose package.json depends on a Node server framework and on no browser
    framework: every JS/TS file in them is server code."""
    return frozenset(
        directory for directory, names in manifests.items() if names & NODE_SERVER_PACKAGES and not names & BROWSER_PACKAGES
    )


def browser_packages(manifests: dict[str, frozenset[str]]) -> frozenset[str]:
    """Directories whose package.json is a browser app (React, Vue, Svelte, Angular, ...) with no
    server framework and no full-stack one: their JS/TS files run in the user's browser."""
    return frozenset(
        directory
        for directory, names in manifests.items()
        if names & BROWSER_PACKAGES and not names & (NODE_SERVER_PACKAGES | FULL_STACK_PACKAGES | SERVER_ONLY_PACKAGES)
    )


def _judged(rules: frozenset[str] | None, options: RunOptions) -> bool:
    """Whether this audit ran a rule a suppression names (a blanket one: always). A suppression for
    a rule left out (opt-in, --select, --ignore) is not unused: the rule simply did not look."""
    if rules is None:
        return True
    return any(
        options.enabled(info.key)
        for info in rule_index()
        if info.id in rules or info.key in rules or any(alias.upper() in rules for alias in info.aliases)
    )


def opt_in_rules() -> frozenset[str]:
    """The matchers left out of an audit that selects nothing (RuleMeta.default=False)."""
    return frozenset(info.key for info in rule_index() if not info.default)


def check_config_rules(options: RunOptions, rules: Any, source: str) -> None:
    """A configuration that leaves no rule to run is an error, never a silent READY (selectors
    that name no rule are already refused by expand_selectors)."""
    known = {rule.key for rule in rules}
    enabled = (set(options.select) if options.select is not None else known) & known
    enabled -= set(options.ignore)
    if not enabled:
        raise ConfigError(f"{source}: selects no known rule: the audit would check nothing")


def _below(root: Path, base: Path | None) -> str:
    """``root``'s posix path below ``base`` ("" when equal, unrelated or unknown)."""
    if base is None:
        return ""
    try:
        rel = root.resolve().relative_to(base)
    except ValueError:
        return ""
    return rel.as_posix() if rel.parts else ""


def apply_per_file_ignores(
    report: AuditReport, table: tuple[tuple[str, tuple[str, ...]], ...], prefix: str, rules: Any,
) -> AuditReport:
    """Drop the places of findings whose file matches a ``per-file-ignores`` pattern for their rule
    (patterns relative to the config file's directory, where the target is at ``prefix``)."""
    import pathspec

    from prodready.engine.grouping import with_locations

    compiled = [
        (pathspec.GitIgnoreSpec.from_lines([pattern]), expand_selectors(selectors, rules, f"per-file-ignores '{pattern}'"))
        for pattern, selectors in table
    ]
    lead = prefix + "/" if prefix else ""

    def dropped(rule: str, path: str | None) -> bool:
        return path is not None and any(rule in ids and spec.match_file(lead + path) for spec, ids in compiled)

    kept: list[Finding] = []
    for finding in report.findings:
        key = finding.matcher or finding.rule  # selectors expand to matcher keys (an old id: its matcher alone)
        places = tuple(loc for loc in finding.all_locations if not dropped(key, loc.path))
        if not places:
            continue
        kept.append(finding if len(places) == len(finding.all_locations) else with_locations(finding, places))
    return replace(report, findings=kept)


# What a development image is not judged on (see ProjectModel.dev_dockerfiles).
DEV_IMAGE_EXEMPT = frozenset({Category.CONTAINER, Category.PROCESS_MANAGEMENT, Category.HEALTH_CHECKS,
                              Category.CONFIGURATION, Category.LOGGING})


def assemble_report(
    root: Path,
    all_paths: list[str],
    discovery_skips: list[tuple[str, str]],
    results: list[FileResult],
    options: RunOptions,
    started: float,
    started_at: str,
) -> AuditReport:
    # The rules these files and the project pass can run: a rule for another language has no
    # finding and examined nothing here, so it would add nothing to the checks either. Their
    # tallies need only the index; the project pass imports the modules with a project handler.
    wanted = {result.language.value for result in results} | {PROJECT}
    audited = [info for info in rule_index() if info.handles & wanted]
    registry = registry_for(frozenset(), project=True)
    facts: dict[str, list[dict[str, object]]] = {}
    files = []
    skipped = [SkippedFile(p, r) for p, r in discovery_skips]
    by_language: dict[str, int] = {}
    for result in results:
        if result.skipped == "not-audited":
            continue
        if result.skipped:
            skipped.append(SkippedFile(result.path, result.skipped))
            continue
        files.append((result.path, result.language))
        by_language[result.language.value] = by_language.get(result.language.value, 0) + 1
        for kind, records in result.facts.items():
            facts.setdefault(kind, []).extend(records)
    model = build_model(str(root), files, all_paths, facts)
    project_findings, project_examined = run_project_rules(registry, model, options, root)

    findings: list[Finding] = []
    examined: dict[str, int] = dict(project_examined)
    suppressions = []
    for result in results:
        findings.extend(result.findings)
        suppressions.extend(result.suppressions)
        for rule_id, count in result.examined.items():
            examined[rule_id] = examined.get(rule_id, 0) + count
    findings.extend(project_findings)
    if model.dev_dockerfiles:
        # A development image's root user, base tag or missing HEALTHCHECK is no production defect
        # (its secrets still are): the per-file rules cannot see the compose file that tells.
        findings = [f for f in findings if not (f.path in model.dev_dockerfiles and f.category in DEV_IMAGE_EXEMPT)]

    # Inline suppressions: a comment on the line, or alone on the line before.
    kept: list[Finding] = []
    used: set[int] = set()
    index: dict[tuple[str, int], list[int]] = {}
    for number, sup in enumerate(suppressions):
        for line in sup.applies_to:
            index.setdefault((sup.path, line), []).append(number)
    suppressed = 0
    silenced: list[tuple[Finding, str]] = []
    for finding in findings:
        hit = None
        if finding.path is not None and finding.line is not None:
            for number in index.get((finding.path, finding.line), []):
                rules = suppressions[number].rules
                # An old id (PR-TO-101 for PR-TO-001) still suppresses the findings of its matcher.
                if rules is None or finding.rule in rules or finding.matcher in rules:
                    hit = number
                    break
        if hit is None:
            kept.append(finding)
        else:
            used.add(hit)
            suppressed += 1
            silenced.append((finding, suppressions[hit].reason))
    # Test files quote suppression comments as sample data; only real code owes an explanation.
    from prodready.engine.context import is_test_path

    unused = [
        s.to_json()
        for n, s in enumerate(suppressions)
        if n not in used and not is_test_path(s.path) and _judged(s.rules, options)
    ]

    counts: dict[str, int] = {}
    for finding in kept:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    checks: list[CheckTally] = []
    tallied: set[str] = set()
    for rule in audited:  # matchers: one tally per rule id, for the first enabled matcher of it
        if not options.enabled(rule.key) or rule.id in tallied:
            continue
        tallied.add(rule.id)
        flagged = counts.get(rule.id, 0)
        looked = max(examined.get(rule.id, 0), flagged)
        if looked == 0:
            continue
        checks.append(CheckTally(rule.category, rule.id, looked, looked - flagged))
    kept = group_findings(kept, frozenset(rule.id for rule in audited if not rule.grouped))
    kept.sort(key=lambda f: f.sort_key)
    return AuditReport(
        target=str(root),
        started_at=started_at,
        duration_s=round(time.monotonic() - started, 3),
        findings=kept,
        checks=checks,
        facts=model.to_facts_json(),
        files_scanned=len(files),
        files_by_language=dict(sorted(by_language.items())),
        skipped=skipped,
        suppressed=suppressed,
        unused_suppressions=unused,
        tool_version=__version__,
        suppressed_findings=silenced,
        project_file=project_file(all_paths),
    )


# Where a project-wide finding is shown when a format insists on a file: the manifest that
# describes the service, else its container or compose file, else its README.
_PROJECT_FILES = (
    "pyproject.toml", "package.json", "go.mod", "setup.cfg", "setup.py", "Pipfile", "requirements.txt",
    "Dockerfile", "docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml",
    "README.md", "README.rst", "README.txt", "README",
)


def project_file(all_paths: list[str]) -> str | None:
    present = set(all_paths)
    for name in _PROJECT_FILES:
        if name in present:
            return name
    top = sorted(p for p in all_paths if "/" not in p)
    return top[0] if top else (sorted(all_paths)[0] if all_paths else None)


# --- several paths: directories and files, each audited in the context of its project ---------

_PROJECT_MARKERS = (
    ".prodready.toml", "pyproject.toml", "package.json", "go.mod", "setup.cfg", "setup.py", "Pipfile",
    "requirements.txt", "Dockerfile",
)


def project_root_of(file: Path) -> Path:
    """The project a file belongs to: the nearest directory above it with a manifest (or a
    Dockerfile or prodready config), not above the repository root; else the repository root,
    else the file's directory."""
    from prodready.repo import find_repo_root

    file = file.resolve()
    top = find_repo_root(file)
    for directory in file.parents:
        if any((directory / marker).is_file() for marker in _PROJECT_MARKERS):
            return directory
        if directory == top:
            break
    return top or file.parent


def plan_targets(paths: list[Path]) -> dict[Path, set[str] | None]:
    """Project roots to audit, each with the files to report on (None: everything)."""
    projects: dict[Path, set[str] | None] = {}
    for path in paths:
        if not path.exists():
            raise TargetError(f"target does not exist: {path}")
        if path.is_dir():
            if not os.access(path, os.R_OK | os.X_OK):
                raise TargetError(f"target is not readable: {path}")
            projects[path.resolve()] = None
        elif path.is_file():
            root = project_root_of(path)
            wanted = projects.setdefault(root, set())
            if wanted is not None:
                wanted.add(path.resolve().relative_to(root).as_posix())
        else:
            raise TargetError(f"target is not a file or directory: {path}")
    return projects


def audit_paths(
    paths: list[Path],
    settings: AuditSettings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AuditReport:
    """Audit directories and files. A file is audited with its whole project (so project facts
    hold) and only findings in the named files are kept. Several projects give one report whose
    paths are relative to their common directory (``target``)."""
    settings = settings or AuditSettings()
    projects = plan_targets(paths)
    reports = []
    for root, files in projects.items():
        report = audit(root, settings, progress)
        reports.append(only_files(report, files) if files is not None else report)
    if len(reports) == 1:
        return reports[0]
    return merge_reports(reports)


def only_files(report: AuditReport, files: set[str]) -> AuditReport:
    """Keep the findings (and places) in these files; project-wide ones only when the file they
    belong to (the manifest, README, ...) is among them."""
    from prodready.engine.grouping import with_locations

    def keep(finding: Finding) -> Finding | None:
        if finding.path is None:  # shown with the manifest/README it sits on, not any file
            anchored = report.project_file in files and report.project_file in _PROJECT_FILES
            return finding if anchored else None
        places = tuple(loc for loc in finding.all_locations if loc.path in files)
        if not places:
            return None
        return finding if len(places) == len(finding.all_locations) else with_locations(finding, places)

    kept = [f for f in map(keep, report.findings) if f is not None]
    silenced = [(f, reason) for f, reason in report.suppressed_findings if f.path in files]
    return replace(
        report, findings=kept, suppressed_findings=silenced,
        unused_suppressions=[u for u in report.unused_suppressions if u.get("path") in files],
    )


def _rebase_finding(finding: Finding, prefix: str) -> Finding:
    from prodready.model import Location

    def moved(path: str | None) -> str | None:
        return prefix + path if path is not None else None

    return replace(
        finding, path=moved(finding.path),
        locations=tuple(
            Location(moved(loc.path), loc.line, loc.end_line, loc.message, loc.evidence, loc.fingerprint)
            for loc in finding.locations
        ),
    )


def merge_reports(reports: list[AuditReport]) -> AuditReport:
    """One report for several audited projects, paths relative to their common directory."""
    base = Path(os.path.commonpath([r.target for r in reports]))
    findings: list[Finding] = []
    checks: dict[str, CheckTally] = {}
    facts: dict[str, Any] = {}
    skipped: list[SkippedFile] = []
    by_language: dict[str, int] = {}
    silenced: list[tuple[Finding, str]] = []
    unused: list[dict[str, Any]] = []
    for report in reports:
        rel = Path(report.target).relative_to(base).as_posix()
        prefix = "" if rel in ("", ".") else rel + "/"
        findings += [_rebase_finding(f, prefix) for f in report.findings]
        silenced += [(_rebase_finding(f, prefix), reason) for f, reason in report.suppressed_findings]
        for tally in report.checks:
            merged = checks.setdefault(tally.rule, CheckTally(tally.category, tally.rule))
            merged.examined += tally.examined
            merged.passed += tally.passed
        for key, value in report.facts.items():
            if isinstance(value, list) and isinstance(facts.get(key), list):
                facts[key] = facts[key] + value
            else:
                facts.setdefault(key, value)
        skipped += [SkippedFile(prefix + s.path, s.reason) for s in report.skipped]
        for language, count in report.files_by_language.items():
            by_language[language] = by_language.get(language, 0) + count
        unused += [u | {"path": prefix + str(u.get("path", ""))} for u in report.unused_suppressions]
    findings.sort(key=lambda f: f.sort_key)
    first = reports[0]
    anchor_rel = Path(first.target).relative_to(base).as_posix()
    return AuditReport(
        target=str(base),
        started_at=first.started_at,
        duration_s=round(sum(r.duration_s for r in reports), 3),
        findings=findings,
        checks=list(checks.values()),
        facts=facts,
        files_scanned=sum(r.files_scanned for r in reports),
        files_by_language=dict(sorted(by_language.items())),
        skipped=skipped,
        suppressed=sum(r.suppressed for r in reports),
        baselined=sum(r.baselined for r in reports),
        unused_suppressions=unused,
        tool_version=first.tool_version,
        suppressed_findings=silenced,
        project_file=(("" if anchor_rel in ("", ".") else anchor_rel + "/") + first.project_file) if first.project_file else None,
    )
