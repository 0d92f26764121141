"""verify against real servers: each problem app is reported, the well-behaved one is not."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp
import jsonschema
import pytest

from prodready.cli import main
from prodready.model import Severity
from prodready.rules.registry import load_registry
from prodready.runtime.http import Prober
from prodready.runtime.probes import RUNTIME_PROBE_RULES, ProbeSettings
from prodready.runtime.verify import VerifyOptions, run_verify

APPS = Path(__file__).parent / "apps"
FAST = dict(slow_header_deadline_s=1.8, body_size=4 * 1024 * 1024)


def verify(url: str, **extra: object) -> object:
    return run_verify(VerifyOptions(url, probes=ProbeSettings(**FAST), progress=False, **extra))  # type: ignore[arg-type]


def test_runtime_rules_are_registered_and_never_dispatched() -> None:
    registry = load_registry()
    for rule_id in (*RUNTIME_PROBE_RULES, "PR-UG-401", "PR-CC-401", "PR-PM-401"):
        rule = registry.by_id(rule_id)
        assert rule is not None, rule_id
        handlers = rule.handlers
        assert not (handlers.python or handlers.python_calls or handlers.tree or handlers.file or handlers.project)


def test_good_service_has_nothing_high(serve: Callable[[str], str]) -> None:
    report = verify(serve("good"))
    high = [f for f in report.findings if f.severity.rank >= Severity.HIGH.rank]  # type: ignore[attr-defined]
    assert not high, [f.message for f in high]
    assert not report.findings, [f.message for f in report.findings]  # type: ignore[attr-defined]
    passed = {c.rule for c in report.checks if c.passed}  # type: ignore[attr-defined]
    # checked and passed: health, CORS, auth, body limit, malformed JSON, burst, slow headers, headers
    assert {"PR-HC-401", "PR-HC-402", "PR-CO-401", "PR-AU-402", "PR-IV-401", "PR-EH-401", "PR-EH-402",
            "PR-RA-401", "PR-RA-402", "PR-TO-401", "PR-CF-401"} <= passed


@pytest.mark.parametrize(
    ("app", "rules"),
    [
        ("no_rate_limit", {"PR-RA-401"}),
        ("cors_reflect", {"PR-CO-401"}),
        ("stack_trace", {"PR-EH-402", "PR-EH-401"}),
        ("no_body_limit", {"PR-IV-401"}),
        ("unprotected", {"PR-AU-402"}),
        ("ready_checks_nothing", {"PR-HC-402"}),
    ],
)
def test_problem_is_reported(serve: Callable[[str], str], app: str, rules: set[str]) -> None:
    report = verify(serve(app))
    found = {f.rule for f in report.findings}  # type: ignore[attr-defined]
    assert rules <= found, [f"{f.rule} {f.message}" for f in report.findings]  # type: ignore[attr-defined]
    for finding in report.findings:  # type: ignore[attr-defined]
        if finding.rule in rules:
            assert finding.evidence.startswith("> "), finding.evidence  # request and response as evidence
            assert "< " in finding.evidence


def test_stack_trace_evidence_is_an_excerpt(serve: Callable[[str], str]) -> None:
    report = verify(serve("stack_trace"))
    leak = next(f for f in report.findings if f.rule == "PR-EH-402")  # type: ignore[attr-defined]
    assert "Traceback" in leak.evidence or 'File "' in leak.evidence
    assert len(leak.evidence) < 2000


def test_protected_in_code_but_open_at_runtime(serve: Callable[[str], str], tmp_path: Path) -> None:
    """--from: the audit says /api/account needs auth; the service answers anonymously."""
    service = tmp_path / "service"
    service.mkdir()
    shutil.copy(APPS / "auth_not_enforced.py", service / "main.py")
    audit_json = tmp_path / "audit.json"
    assert main(["audit", str(service), "--format", "json", "-o", str(audit_json), "--no-history", "--no-cache",
                 "--fail-on", "never"]) == 0
    routes = json.loads(audit_json.read_text())["facts"]["routes"]
    assert any(r["path"] == "/api/account" and r["auth"] for r in routes)
    report = verify(serve("auth_not_enforced"), from_audit=audit_json)
    finding = next(f for f in report.findings if f.rule == "PR-AU-401")  # type: ignore[attr-defined]
    assert finding.path == "main.py" and finding.line is not None
    assert finding.severity == Severity.CRITICAL


def test_a_429_is_honoured_not_failed(serve: Callable[[str], str]) -> None:
    url = serve("good")

    async def scenario() -> tuple[int | None, float, int | None]:
        async with aiohttp.ClientSession() as session:
            prober = Prober(url, session)
            body = json.dumps({"username": "a", "password": "b"})
            headers = {"Content-Type": "application/json"}
            for _ in range(8):  # exhaust the login limit
                last = await prober.send("POST", "/login", headers=headers, body=body, honour_429=False)
            answer = await prober.send("POST", "/login", headers=headers, body=body)
            return last.status, prober.waited_s, answer.status

    limited, waited, status = asyncio.run(scenario())
    assert limited == 429
    assert waited >= 1.0  # Retry-After: 2 honoured
    assert status == 401  # the real answer after waiting, not the 429


def test_cli_json_contract_report_and_diff(serve: Callable[[str], str], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    url = serve("cors_reflect")
    out = tmp_path / "verify.json"
    code = main(["verify", url, "--format", "json", "-o", str(out), "--slow-header-deadline", "1.5",
                 "--body-size-mb", "2", "--no-progress"])
    assert code == 1  # a critical finding fails at the default --fail-on high
    data = json.loads(out.read_text())
    schema = json.loads((Path(__file__).parents[1] / "data" / "report.schema.json").read_text())
    jsonschema.validate(data, schema)  # the audit's contract, plus `runtime`
    for key in ("schema_version", "tool", "target", "verdict", "summary", "findings", "checks", "facts", "runtime"):
        assert key in data
    assert data["verdict"] == "NOT READY"
    assert set(data["runtime"]) >= {"probes", "load", "resources", "criteria"}
    probe = next(p for p in data["runtime"]["probes"] if p["rule"] == "PR-CO-401" and p["status"] == "failed")
    assert probe["requests"][0]["response"]["headers"]["access-control-allow-credentials"] == "true"
    assert any(f["rule"] == "PR-CO-401" and f["category"] == "cors" for f in data["findings"])
    md = tmp_path / "verify.md"
    assert main(["report", str(out), "--format", "markdown", "-o", str(md)]) == 0
    assert "Runtime verification" in md.read_text()
    assert main(["report", str(out), "--format", "sarif", "-o", str(tmp_path / "v.sarif")]) == 0
    assert main(["diff", str(out), str(out), "--format", "json", "-o", str(tmp_path / "d.json")]) == 0
    assert json.loads((tmp_path / "d.json").read_text())["still_open"]
    capsys.readouterr()
    assert main(["rules", "PR-CO-401"]) == 0
    assert "reflected with credentials" in capsys.readouterr().out


def test_burst_and_load_refuse_remote_targets() -> None:
    code = main(["verify", "http://192.0.2.1:9", "--stress", "--no-progress"])
    assert code == 2


if sys.platform != "linux":  # pragma: no cover
    pytest.skip("process tests need Linux", allow_module_level=True)


def test_unreachable_service_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.runtime.conftest import free_port

    assert main(["verify", f"http://127.0.0.1:{free_port()}", "--no-progress"]) == 2
    assert "no answer from" in capsys.readouterr().err
