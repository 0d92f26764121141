"""--cmd / --pid / --stress / --shutdown-test against real servers; nothing outlives a test."""

from __future__ import annotations

import sys
from pathlib import Path

import psutil
import pytest

from prodready.model import Severity
from prodready.runtime.load import Criteria, LoadSettings
from prodready.runtime.probes import ProbeSettings
from prodready.runtime.report import VerifyReport, render
from prodready.runtime.service import ServiceError
from prodready.runtime.verify import VerifyOptions, run_verify
from tests.runtime.conftest import ROOT, free_port, serve_cmd

if sys.platform != "linux":  # pragma: no cover
    pytest.skip("process tests need Linux", allow_module_level=True)


def run(app: str, **extra: object) -> VerifyReport:
    port = free_port()
    options = VerifyOptions(f"http://127.0.0.1:{port}", cmd=serve_cmd(app, port), cwd=ROOT, progress=False,
                            probes=ProbeSettings(slow_header_deadline_s=2.0, body_size=2 * 1024 * 1024),
                            **extra)  # type: ignore[arg-type]
    report = run_verify(options)
    pid = report.runtime["service"]["pid"]
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, "service outlived verify"
    return report


def test_memory_growth_under_load_is_reported() -> None:
    report = run("leak", probe=False, stress=LoadSettings(rate=150, duration_s=3.0, warmup_s=0.5),
                 routes=["GET /items"], sample_interval_s=0.1)
    finding = next((f for f in report.findings if f.rule == "PR-UG-401"), None)
    assert finding is not None, report.runtime["resources"]["metrics"]
    assert "rss" in finding.message and "slope" in finding.evidence
    resources = report.runtime["resources"]
    assert resources["samples"] and resources["metrics"]["rss"]["verdict"] == "unbounded growth"


def test_slow_endpoint_misses_the_criteria() -> None:
    report = run("slow", probe=False, stress=LoadSettings(rate=25, duration_s=1.5, warmup_s=0.2),
                 routes=["GET /report"], criteria=Criteria(max_p95_ms=1000, max_p99_ms=2000))
    load = report.runtime["load"]
    assert set(load) >= {"requests", "rps", "success_rate", "errors", "latency_ms"}
    assert set(load["latency_ms"]) >= {"p50", "p90", "p95", "p99", "max"}
    # 25 req/s against a server that handles ~10: the open model shows the queue (coordinated omission)
    assert load["latency_ms"]["p95"] > 1000
    failed = {c["name"] for c in report.runtime["criteria"] if not c["passed"]}
    assert "p95_ms" in failed
    assert any(f.rule == "PR-CC-401" for f in report.findings)
    html = render(report, "html")
    assert "<svg" in html and "Runtime verification" in html
    assert "p95" in render(report, "markdown")


def test_sigterm_ignored_is_reported_and_killed() -> None:
    report = run("ignores_sigterm", probe=False, shutdown_test=True, shutdown_deadline_s=2.0, routes=["GET /work"])
    shutdown = report.runtime["shutdown"]
    assert shutdown["killed"] and shutdown["exit_s"] is None
    assert any(f.rule == "PR-PM-401" for f in report.findings)


def test_good_service_under_load_and_shutdown() -> None:
    report = run("good", stress=LoadSettings(rate=100, duration_s=2.0, warmup_s=0.5), shutdown_test=True,
                 shutdown_deadline_s=5.0)
    high = [f"{f.rule} {f.message}" for f in report.findings if f.severity.rank >= Severity.HIGH.rank]
    assert not high
    assert all(c["passed"] for c in report.runtime["criteria"]), report.runtime["criteria"]
    assert report.runtime["shutdown"]["exit_s"] is not None and report.runtime["shutdown"]["failed_in_flight"] == 0
    assert report.runtime["resources"]["metrics"]["rss"]["verdict"] != "unbounded growth"


def test_service_that_never_answers_is_stopped(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    cmd = f"{sys.executable} -c \"import os,time; open('{marker}','w').write(str(os.getpid())); time.sleep(60)\""
    with pytest.raises(ServiceError):
        run_verify(VerifyOptions(f"http://127.0.0.1:{free_port()}", cmd=cmd, start_timeout_s=1.5, progress=False))
    pid = int(marker.read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_service_that_exits_is_an_error() -> None:
    with pytest.raises(ServiceError, match="exited"):
        run_verify(VerifyOptions(f"http://127.0.0.1:{free_port()}", cmd=f"{sys.executable} -c 'raise SystemExit(3)'",
                                 progress=False))


def test_pid_samples_a_process_started_elsewhere() -> None:
    import subprocess

    from tests.runtime.conftest import kill_group, wait_until_answers

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tests.runtime.apps.serve", "leak", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_answers(url, proc)
        report = run_verify(VerifyOptions(url, pid=proc.pid, probe=False, progress=False, routes=["GET /items"],
                                          stress=LoadSettings(rate=150, duration_s=2.5, warmup_s=0.5),
                                          sample_interval_s=0.1))
        assert report.runtime["resources"]["pid"] == proc.pid
        assert any(f.rule == "PR-UG-401" for f in report.findings)
        assert proc.poll() is None  # --pid never stops what it did not start
    finally:
        kill_group(proc)
