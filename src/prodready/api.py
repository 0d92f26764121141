"""The library API: ``audit(path) -> AuditReport``. The CLI is a thin layer over this."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from prodready import __version__
from prodready.config import Config, ConfigError, load_config
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
from prodready.model import AuditReport, CheckTally, Finding, SkippedFile
from prodready.project import build_model
from prodready.rules.registry import load_registry


class TargetError(ValueError):
    """The audit target is missing or unusable."""


@dataclass
class AuditSettings:
    use_cache: bool = True
    cache_dir: Path | None = None
    jobs: int = 0  # 0 = all cores
    config: Config | None = None
    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    limits: Limits | None = None  # default: the config's (or the built-in) per-file limits


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
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    config = settings.config if settings.config is not None else load_config(root)
    select = settings.select if settings.select is not None else config.select
    warnings = list(config.warnings) + check_config_rules(config, select, settings.ignore)
    options = RunOptions(
        select=select,
        ignore=frozenset(settings.ignore | config.disable),
        severity_overrides=config.severity,
        limits=settings.limits or config.limits,
    )
    found = discover(root, exclude=config.exclude, max_file_bytes=options.limits.max_file_bytes)
    warnings += found.warnings
    if config.exclude and not found.files:
        unexcluded = discover(root, max_file_bytes=options.limits.max_file_bytes)
        if unexcluded.files:
            raise ConfigError(
                f"{config.source}: 'exclude' leaves no file to audit ({len(unexcluded.files)} would be audited without it)"
            )
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
    report.warnings = warnings
    return report


def check_config_rules(config: Config, select: frozenset[str] | None, ignore: frozenset[str]) -> list[str]:
    """Rule ids in the config that name no rule: a warning; a config that leaves no rule to run:
    an error (never a silent READY)."""
    registry = load_registry()
    known = {rule.id for rule in registry.rules}
    named = set(config.select or ()) | set(config.disable) | {rule_id for rule_id, _ in config.severity}
    unknown = sorted(named - known)
    warnings = []
    if unknown:
        listed = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        warnings.append(f"{config.source}: unknown rule id(s) ignored: {listed}"[:400])
    enabled = (set(select) if select is not None else known) & known
    enabled -= set(config.disable) | set(ignore)
    if not enabled:
        raise ConfigError(f"{config.source or 'configuration'}: selects no known rule: the audit would check nothing")
    return warnings


def assemble_report(
    root: Path,
    all_paths: list[str],
    discovery_skips: list[tuple[str, str]],
    results: list[FileResult],
    options: RunOptions,
    started: float,
    started_at: str,
) -> AuditReport:
    registry = load_registry()
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

    # Inline suppressions: a comment on the line, or alone on the line before.
    kept: list[Finding] = []
    used: set[int] = set()
    index: dict[tuple[str, int], list[int]] = {}
    for number, sup in enumerate(suppressions):
        for line in sup.applies_to:
            index.setdefault((sup.path, line), []).append(number)
    suppressed = 0
    for finding in findings:
        hit = None
        if finding.path is not None and finding.line is not None:
            for number in index.get((finding.path, finding.line), []):
                rules = suppressions[number].rules
                if rules is None or finding.rule in rules:
                    hit = number
                    break
        if hit is None:
            kept.append(finding)
        else:
            used.add(hit)
            suppressed += 1
    # Test files quote suppression comments as sample data; only real code owes an explanation.
    from prodready.engine.context import is_test_path

    unused = [s.to_json() for n, s in enumerate(suppressions) if n not in used and not is_test_path(s.path)]

    counts: dict[str, int] = {}
    for finding in kept:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    checks: list[CheckTally] = []
    for rule in registry.rules:
        if not options.enabled(rule.id):
            continue
        flagged = counts.get(rule.id, 0)
        looked = max(examined.get(rule.id, 0), flagged)
        if looked == 0:
            continue
        checks.append(CheckTally(rule.category, rule.id, looked, looked - flagged))
    kept = group_findings(kept)
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
    )
