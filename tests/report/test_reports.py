"""Markdown, SARIF and re-rendered reports: the structure teams act on."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.helpers import EXAMPLE, ROOT, run_cli

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())


def test_markdown_is_a_review_with_summary_order_and_appendix(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = run_cli("audit", str(EXAMPLE), "--no-cache", "--no-history", "--format", "markdown", "--output", str(out))
    assert result.returncode == 1, result.stderr
    text = out.read_text()
    for heading in (
        "# Production readiness review — shop-api", "**Verdict: NOT READY**", "## Executive summary",
        "**What decides it:**", "**The service as prodready understood it:**", "**What this review did not examine:**",
        "## Implementation order", "### Before launch", "### First week", "### Later", "### Risk assessment",
        "## Findings to fix before launch", "## Other findings", "## Configuration matrix",
        "## Smoke tests after deploy", "## Appendix",
    ):
        assert heading in text, heading
    assert "### CRITICAL-1:" in text and "### HIGH-1:" in text and "| LOW-1 |" in text
    assert "**Why:**" in text and "**Fix:**" in text
    assert "`app/routes/orders.py:25`" in text
    # Configuration matrix rows name where each variable is read; secrets never leak.
    assert "| `SECRET_KEY` | app/config.py:7 |" in text
    assert "Sh0pPassw0rd" not in text and "supersecretvalue123" not in text


def test_sarif_validates_against_the_official_schema(tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    result = run_cli("audit", str(EXAMPLE), "--no-cache", "--no-history", "--format", "sarif", "--output", str(out))
    assert result.returncode == 1, result.stderr
    sarif = json.loads(out.read_text())
    jsonschema.validate(sarif, SARIF_SCHEMA)
    run = sarif["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["PR-CO-002"]["properties"]["security-severity"] == "9.5"
    assert "security-severity" not in rules["PR-TO-001"]["properties"]
    assert rules["PR-TO-001"]["help"]["markdown"].startswith("Outbound HTTP call without a timeout")
    results = run["results"]
    assert all("prodready/v1" in r["partialFingerprints"] for r in results)
    located = [r for r in results if r["ruleId"] == "PR-TO-001"][0]
    assert located["locations"][0]["physicalLocation"]["region"]["startLine"] == 25
    # GitHub rejects a result without a location: project-wide ones sit on the project's manifest.
    project_wide = [r for r in results if r["ruleId"] == "PR-TS-301"][0]
    assert project_wide["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("requirements.txt")


def test_report_command_rerenders_a_saved_json_report(tmp_path: Path) -> None:
    saved = tmp_path / "r.json"
    run_cli("audit", str(EXAMPLE), "--no-cache", "--no-history", "--format", "json", "--output", str(saved))
    result = run_cli("report", str(saved), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["findings"] == json.loads(saved.read_text())["findings"]
    md = run_cli("report", str(saved), "--format", "markdown")
    assert "## Implementation order" in md.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    refused = run_cli("report", str(bad))
    assert refused.returncode == 2 and "not a prodready JSON report" in refused.stderr
