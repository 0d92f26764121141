"""End-to-end behaviour of `prodready audit` a user relies on: contract, exit codes, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "tests" / "data" / "report.schema.json").read_text())
EXAMPLE = ROOT / "examples" / "shop-api"
FIXED = ROOT / "examples" / "shop-api-fixed"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prodready", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def audit_json(target: Path, *extra: str) -> dict:
    result = run("audit", str(target), "--format", "json", "--no-cache", "--no-history", "--fail-on", "never", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_report_follows_the_contract() -> None:
    report = audit_json(EXAMPLE)
    jsonschema.validate(report, SCHEMA)
    assert report["verdict"] == "NOT READY"
    assert report["summary"]["files_scanned"] > 10
    counts = {s: sum(1 for f in report["findings"] if f["severity"] == s) for s in ("critical", "high", "medium", "low", "info")}
    assert all(report["summary"][s] == n for s, n in counts.items())
    assert "fastapi" in report["facts"]["frameworks"]
    assert any(r["path"] == "/orders" for r in report["facts"]["routes"])
    assert any(e["name"] == "SECRET_KEY" for e in report["facts"]["env_vars"])
    assert report["checks"], "positive evidence: what each rule examined"


def test_every_finding_is_explained_by_its_rule() -> None:
    report = audit_json(EXAMPLE)
    rule_ids = {f["rule"] for f in report["findings"]}
    for rule_id in sorted(rule_ids):
        result = run("rules", rule_id)
        assert result.returncode == 0, result.stderr
        assert "Why it matters in production" in result.stdout


def test_clean_example_has_no_high_or_critical_findings() -> None:
    report = audit_json(FIXED)
    bad = [f"{f['path']}:{f['line']} {f['rule']} {f['message']}" for f in report["findings"] if f["severity"] in ("critical", "high")]
    assert not bad, "\n".join(bad)


def test_secrets_never_appear_in_any_output(tmp_path: Path) -> None:
    secret = "sk-proj-Zq3xV9mK2pL8nR4tW7yB1cD5fG6hJ0kA"
    out = tmp_path / "r.json"
    for fmt in ("json", "text"):
        result = run("audit", str(EXAMPLE), "--format", fmt, "--no-cache", "--no-history", "--output", str(out))
        assert result.returncode in (0, 1), result.stderr
        assert secret not in out.read_text()
        assert "Sh0pPassw0rd" not in out.read_text()
        assert "supersecretvalue123" not in out.read_text()


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("critical", 1), ("high", 1), ("never", 0)],
)
def test_fail_on_sets_the_exit_code(fail_on: str, expected: int) -> None:
    result = run("audit", str(EXAMPLE), "--no-cache", "--no-history", "--fail-on", fail_on, "--format", "json")
    assert result.returncode == expected, result.stderr


def test_fixed_example_passes_the_default_gate() -> None:
    result = run("audit", str(FIXED), "--no-cache", "--no-history", "--format", "json")
    assert result.returncode == 0, result.stdout[-2000:]


def test_missing_target_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run("audit", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_file_target_is_audited_in_its_project(tmp_path: Path) -> None:
    file = tmp_path / "a.py"
    file.write_text("x = 1\n")
    result = run("audit", str(file), "--no-history", "--no-cache", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["findings"] == []


def test_malformed_inputs_are_skipped_counted_and_reported(tmp_path: Path) -> None:
    (tmp_path / "syntax.py").write_text("def broken(:\n")
    (tmp_path / "binary.py").write_bytes(b"\x00\x01\x02\x03" * 100)
    (tmp_path / "latin1.py").write_bytes("x = 'caf\xe9'\n".encode("latin-1"))
    (tmp_path / "bad.json").write_text("{")
    (tmp_path / "package.json").write_text("{ not json")
    (tmp_path / "docker-compose.yml").write_text("services: [unclosed\n")
    (tmp_path / "ok.py").write_text("try:\n    x()\nexcept:\n    pass\n")
    unreadable = tmp_path / "secret.py"
    unreadable.write_text("x = 1\n")
    unreadable.chmod(0)
    try:
        report = audit_json(tmp_path)
    finally:
        unreadable.chmod(0o644)
    jsonschema.validate(report, SCHEMA)
    skipped = {s["path"]: s["reason"] for s in report["files"]["skipped"]}
    assert "syntax error" in skipped["syntax.py"]
    assert skipped["binary.py"] == "binary file"
    assert "UTF-8" in skipped["latin1.py"]
    assert "package.json" in skipped
    assert "YAML" in skipped["docker-compose.yml"]
    if os.geteuid() != 0:  # root can read mode-0 files
        assert "unreadable" in skipped["secret.py"]
    assert any(f["path"] == "ok.py" for f in report["findings"]), "good files are still audited"


def test_rules_command_lists_and_explains() -> None:
    listing = run("rules", "--format", "json")
    assert listing.returncode == 0
    rules = json.loads(listing.stdout)
    assert {"id", "category", "severity", "languages", "title"} <= set(rules[0])
    unknown = run("rules", "PR-XX-999")
    assert unknown.returncode == 2 and "unknown rule" in unknown.stderr


def test_no_command_prints_help_and_exits_2() -> None:
    result = run()
    assert result.returncode == 2
    assert "audit" in result.stdout


def test_env_var_defaults_are_redacted_in_facts(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        'import os\nKEY = os.getenv("STRIPE_API_KEY", "Zq3xV9mK2pL8nR4tW7yB")\n'
        'DB = os.getenv("DATABASE_URL", "postgresql://app:Xk29sLmQ7v@db/app")\nPORT = os.getenv("PORT", "8000")\n'
    )
    report = audit_json(tmp_path)
    defaults = {e["name"]: e["default"] for e in report["facts"]["env_vars"]}
    assert defaults["STRIPE_API_KEY"] == "****"
    assert "Xk29sLmQ7v" not in defaults["DATABASE_URL"] and defaults["DATABASE_URL"].startswith("postgresql://app:")
    assert defaults["PORT"] == "8000"
