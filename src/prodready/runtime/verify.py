"""Orchestration: start (optionally) and probe the service, load it, sample it, stop it, report."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiohttp

from prodready import __version__
from prodready.runtime.findings import build_findings
from prodready.runtime.http import Prober, is_loopback
from prodready.runtime.load import Criteria, LoadSettings, Request, run_load, terminal_progress
from prodready.runtime.model import Exchange, ProbeResult, RouteSpec
from prodready.runtime.probes import ProbeRun, ProbeSettings
from prodready.runtime.report import VerifyReport
from prodready.runtime.resources import Sampler, judge
from prodready.runtime.service import ServiceError, ServiceProcess
from prodready.runtime.shutdown import shutdown_test
from prodready.runtime.targets import (
    OPENAPI_PATHS,
    common_routes,
    is_expensive,
    is_login,
    routes_from_audit,
    routes_from_openapi,
)

T = TypeVar("T")
UG_GROWTH, CC_CRITERIA, PM_SHUTDOWN = "PR-UG-401", "PR-CC-401", "PR-PM-401"


class VerifyError(RuntimeError):
    """Unusable target or options: one line for the user, exit 2."""


@dataclass
class VerifyOptions:
    url: str
    from_audit: Path | None = None
    cmd: str | None = None
    cwd: Path | None = None
    pid: int | None = None
    start_timeout_s: float = 30.0
    probe: bool = True
    probes: ProbeSettings = field(default_factory=ProbeSettings)
    stress: LoadSettings | None = None
    routes: list[str] = field(default_factory=list)  # "GET /path" for the load mix
    criteria: Criteria = field(default_factory=Criteria)
    shutdown_test: bool = False
    shutdown_deadline_s: float = 10.0
    shutdown_users: int = 8
    locust_workers: int = 0  # > 0: hand the load test to Locust's distributed mode (1 master, N workers)
    allow_remote: bool = False
    sample_interval_s: float = 0.25
    growth_floor: dict[str, float] = field(default_factory=dict)
    severity_overrides: dict[str, str] = field(default_factory=dict)
    progress: bool = True
    log: Callable[[str], None] | None = None


def run_verify(options: VerifyOptions) -> VerifyReport:
    """Synchronous entry point: everything started here is stopped here, whatever happens."""
    if not options.url.startswith(("http://", "https://")):
        raise VerifyError(f"not an http(s) URL: {options.url}")
    loopback = is_loopback(options.url)
    if options.stress is not None and not loopback and not options.allow_remote:
        raise VerifyError(f"{options.url} is not a loopback address: load is only sent elsewhere with --allow-remote")
    options.probes.burst_allowed = loopback or options.allow_remote
    if options.shutdown_test and not options.cmd:
        raise VerifyError("--shutdown-test needs --cmd (prodready only stops what it started)")
    service = ServiceProcess(options.cmd, options.cwd) if options.cmd else None
    previous = signal.getsignal(signal.SIGTERM)

    def terminate(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    in_main = _main_thread()
    if in_main:
        signal.signal(signal.SIGTERM, terminate)  # `kill prodready` stops the service too
    try:
        return _run(_verify(options, service))
    finally:
        if service is not None:
            service.stop()
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _run(coro: Coroutine[Any, Any, T]) -> T:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


async def _verify(options: VerifyOptions, service: ServiceProcess | None) -> VerifyReport:
    started = time.monotonic()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    log = options.log or (lambda message: None)
    runtime: dict[str, Any] = {"target": options.url, "probes": [], "load": None, "resources": None, "criteria": []}
    if service is not None:
        service.start()
        log(f"started `{options.cmd}` (pid {service.pid}), waiting for {options.url}")
        seconds = await service.wait_ready(options.url, options.start_timeout_s)
        runtime["service"] = {"cmd": options.cmd, "pid": service.pid, "ready_after_s": round(seconds, 2)}
    pid = service.pid if service is not None else options.pid
    sampler = Sampler(pid, options.sample_interval_s) if pid else None
    if sampler is not None:
        if not _alive(pid):
            raise VerifyError(f"no process with pid {pid}")
        sampler.start()
    results: list[ProbeResult] = []
    facts: dict[str, Any] = {}
    try:
        # prodready: ignore[PR-TO-001] every probe request passes its own timeout (Prober.send timeout_s)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
            prober = Prober(options.url, session)
            first = await prober.send("GET", "/", timeout_s=10)
            if first.status is None:
                raise VerifyError(f"no answer from {options.url}: {first.error}")
            routes, facts, discovery = await discover(prober, options.from_audit)
            runtime["discovery"] = discovery
            log(f"{len(routes)} routes from {discovery['source']}")
            run = ProbeRun(prober, routes, options.probes)
            if options.probe:
                results.extend(await run.run_all())
                log(f"{len(results)} probe results")
            if prober.log:
                runtime["rate_limit_waits"] = prober.log
            if options.stress is not None:
                wait = run.cooldown_until - time.monotonic()
                if wait > 0:
                    log(f"waiting {wait:.1f} s for the rate limit to reset (Retry-After)")
                    await asyncio.sleep(wait)
                mix = load_mix(routes, run.anonymous, options.routes)
                if sampler is not None:
                    sampler.mark("load_start")
                log(f"load: {_describe(options.stress)} on {len(mix)} routes")
                if options.locust_workers > 0:
                    from prodready.runtime.locust_mode import run_distributed

                    load = await asyncio.to_thread(run_distributed, options.url, mix, options.stress,
                                                   options.locust_workers)
                else:
                    progress = terminal_progress() if options.progress else None
                    load = await run_load(options.url, mix, options.stress, progress)
                    if progress is not None:
                        sys.stderr.write("\n")
                if sampler is not None:
                    sampler.mark("load_end")
                runtime["load"] = load
                runtime["criteria"] = options.criteria.judge(load)
                results.append(criteria_result(runtime["criteria"], load))
    finally:
        if sampler is not None:
            sampler.stop()
    if sampler is not None:
        results.extend(resource_results(sampler, runtime, options))
    if options.shutdown_test and service is not None:
        mix = load_mix(routes, {}, options.routes)
        outcome = await shutdown_test(service, options.url, mix, options.shutdown_users, options.shutdown_deadline_s)
        runtime["shutdown"] = outcome
        results.append(shutdown_result(outcome))
    runtime["probes"] = [r.to_json() for r in results]
    findings, checks = build_findings(results, options.severity_overrides)
    facts_out: dict[str, Any] = {
        "frameworks": list(facts.get("frameworks", [])) if facts else [],
        "routes": [r.to_json() for r in routes],
        "env_vars": [],
        "services": [],
        "route_source": discovery["source"],
    }
    return VerifyReport(
        target=options.url, started_at=started_at, duration_s=round(time.monotonic() - started, 3),
        findings=findings, checks=checks, facts=facts_out, files_scanned=0, tool_version=__version__,
        runtime=runtime,
    )


def _describe(settings: LoadSettings) -> str:
    if settings.users:
        return f"{settings.users} users for {settings.duration_s:g} s"
    return f"{settings.rate:g} req/s for {settings.duration_s:g} s (+{settings.warmup_s:g} s warm-up)"


def _alive(pid: int | None) -> bool:
    import psutil

    return pid is not None and psutil.pid_exists(pid)


async def discover(prober: Prober, from_audit: Path | None) -> tuple[list[RouteSpec], dict[str, Any], dict[str, Any]]:
    """Routes from the saved audit, else the service's OpenAPI document, else common paths."""
    if from_audit is not None:
        routes, facts = routes_from_audit(from_audit)
        return routes, facts, {"source": f"audit ({from_audit.name})", "routes": len(routes)}
    for path in OPENAPI_PATHS:
        exchange = await prober.send("GET", path, timeout_s=5)
        if exchange.status != 200:
            continue
        document = await _json(prober, path)
        if isinstance(document, dict) and ("openapi" in document or "swagger" in document):
            routes = routes_from_openapi(document)
            if routes:
                return routes, {}, {"source": f"OpenAPI document {path}", "routes": len(routes)}
    return common_routes(), {}, {"source": "common paths (no audit, no OpenAPI document)", "routes": 0}


async def _json(prober: Prober, path: str) -> Any:
    try:
        async with prober.session.get(prober.url(path), timeout=aiohttp.ClientTimeout(total=10)) as response:
            return await response.json(content_type=None)
    # prodready: ignore[PR-EH-001] an optional document (OpenAPI) that cannot be fetched is "not there": the probes go on without it
    except (aiohttp.ClientError, ValueError, TimeoutError, OSError):
        return None


def load_mix(routes: list[RouteSpec], anonymous: dict[str, Exchange], explicit: list[str]) -> list[Request]:
    """The routes the load test cycles through: explicit `--route`s, else the public GET routes
    that answered the probes (not login or expensive routes: the load is not a burst test)."""
    if explicit:
        mix = []
        for item in explicit:
            method, _, path = item.strip().partition(" ")
            if not path:
                method, path = "GET", method
            mix.append(Request(method.upper(), path if path.startswith("/") else "/" + path))
        return mix
    mix = []
    for route in routes:
        if route.method != "GET" or route.auth or is_login(route) or is_expensive(route):
            continue
        seen = anonymous.get(route.label)
        if seen is not None and (seen.status is None or seen.status >= 400):
            continue
        if route.source == "common" and seen is None:
            continue
        mix.append(Request("GET", route.path))
    return mix or [Request("GET", "/")]


def criteria_result(criteria: list[dict[str, Any]], load: dict[str, Any]) -> ProbeResult:
    failed = [c for c in criteria if not c["passed"]]
    latency = load.get("latency_ms", {})
    text = (f"{load['requests']} requests, {load['rps']} req/s, success {load['success_rate'] * 100:.2f} %, "
            f"errors {load['error_rate'] * 100:.2f} %, p95 {latency.get('p95')} ms, p99 {latency.get('p99')} ms")
    if not failed:
        return ProbeResult("load", CC_CRITERIA, "load test", True, text)
    names = ", ".join(f"{c['name']} {c['value']} (needs {'>=' if c['name'] == 'success_rate' else '<'} {c['threshold']})"
                      for c in failed)
    errors = ", ".join(f"{k} x{v}" for k, v in list(load.get("errors", {}).items())[:5])
    return ProbeResult("load", CC_CRITERIA, "load test", False, f"load criteria missed: {names}",
                       evidence_text=text + (f"\nerrors: {errors}" if errors else ""))


def resource_results(sampler: Sampler, runtime: dict[str, Any], options: VerifyOptions) -> list[ProbeResult]:
    samples = sampler.samples
    start = sampler.marks.get("load_start", 0.0)
    end = sampler.marks.get("load_end")
    window = [s for s in samples if s.t >= start and (end is None or s.t <= end + options.sample_interval_s)]
    if runtime.get("load"):
        # skip the warm-up: allocator and caches fill while the service heats up
        warm = start + float(runtime["load"].get("warmup_s") or 0)
        window = [s for s in window if s.t >= warm] or window
    metrics = judge(window, min_growth=options.growth_floor)
    runtime["resources"] = {
        "pid": sampler.pid, "interval_s": sampler.interval_s, "marks": sampler.marks,
        "samples": [s.to_json() for s in samples], "metrics": metrics,
    }
    results: list[ProbeResult] = []
    for name, metric in metrics.items():
        if metric["verdict"] == "too few samples":
            continue
        unit = {"rss": "bytes", "fds": "open files", "threads": "threads"}[name]
        evidence = (f"{name}: {metric['first']} -> {metric['last']} {unit} in {metric['duration_s']} s; slope "
                    f"{metric['slope_per_s']}/s (R² {metric['r2']}); first third {metric['early_slope_per_s']}/s, "
                    f"last third {metric['late_slope_per_s']}/s")
        if metric["verdict"] == "unbounded growth":
            shown = _human(name, metric["first"]), _human(name, metric["last"]), _human(name, metric["slope_per_s"])
            results.append(ProbeResult(
                "resources", UG_GROWTH, name, False,
                f"{name} grows under load without levelling off: {shown[0]} -> {shown[1]} in "
                f"{metric['duration_s']} s ({shown[2]}/s)", evidence_text=evidence))
        else:
            results.append(ProbeResult("resources", UG_GROWTH, name, True, metric["verdict"], evidence_text=evidence))
    return results


def _human(name: str, value: float) -> str:
    if name == "rss":
        return f"{value / 1024 / 1024:.1f} MiB"
    return f"{value:.3g}"


def shutdown_result(outcome: dict[str, Any]) -> ProbeResult:
    problems = []
    if outcome["failed_in_flight"]:
        problems.append(f"{outcome['failed_in_flight']} of {outcome['in_flight']} in-flight requests failed")
    if outcome["exit_s"] is None or outcome["exit_s"] > outcome["deadline_s"]:
        problems.append(f"no exit within {outcome['deadline_s']:g} s of SIGTERM"
                        + (" (killed)" if outcome.get("killed") else ""))
    text = (f"SIGTERM with {outcome['in_flight']} requests in flight; exit after {outcome['exit_s']} s; "
            f"outcomes of in-flight requests: {outcome.get('in_flight_outcomes')}")
    if problems:
        return ProbeResult("shutdown", PM_SHUTDOWN, "SIGTERM under load", False, "; ".join(problems), evidence_text=text)
    return ProbeResult("shutdown", PM_SHUTDOWN, "SIGTERM under load", True, text)


__all__ = ["ServiceError", "VerifyError", "VerifyOptions", "run_verify"]
