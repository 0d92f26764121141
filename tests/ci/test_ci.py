"""prodready in CI: SARIF GitHub accepts, monorepo paths, config discovery, PR mode, CI formats."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.helpers import ROOT, run_cli, write_tree

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull}

SERVICE = {
    "requirements.txt": "requests==2.32.3\nfastapi==0.115.0\n",
    "app/main.py": (
        "import requests\n\n\n"
        "def fetch(url):\n"
        "    return requests.get(url)\n\n\n"
        "def fetch_quietly(url):\n"
        "    return requests.get(url)  # prodready: ignore[PR-TO-001] sidecar on localhost\n"
    ),
    "Dockerfile": "FROM python:3.12\nCOPY . /app\nCMD python /app/app/main.py\n",
    "tests/test_main.py": "def test_ok():\n    assert True\n",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=GIT_ENV, check=True)
    return done.stdout


def make_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    write_tree(repo, files)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "init")
    return repo


def github_sarif_problems(doc: dict[str, Any]) -> list[str]:
    """The constraints GitHub code scanning documents for uploaded SARIF (beyond the schema)."""
    problems = []
    if doc.get("version") != "2.1.0":
        problems.append("version must be 2.1.0")
    for run in doc["runs"]:
        driver = run["tool"]["driver"]
        if not driver.get("name"):
            problems.append("tool.driver.name is required")
        rules = driver.get("rules", [])
        if len(rules) > 25_000 or len(run["results"]) > 25_000:
            problems.append("too many rules or results")
        ids = [r["id"] for r in rules]
        if len(ids) != len(set(ids)):
            problems.append("duplicate rule ids")
        for rule in rules:
            uri = rule.get("helpUri", "")
            if not uri.startswith("https://") or "example" in uri:
                problems.append(f"{rule['id']}: helpUri is not a real https URL: {uri}")
            if "#" + rule["id"].lower() not in uri:
                problems.append(f"{rule['id']}: helpUri does not point at the rule's anchor")
            props = rule.get("properties", {})
            if "security-severity" in props:
                value = props["security-severity"]
                if not isinstance(value, str) or not 0.0 <= float(value) <= 10.0:
                    problems.append(f"{rule['id']}: security-severity must be a numeric string in 0..10")
            if len(props.get("tags", [])) > 20:
                problems.append(f"{rule['id']}: more than 20 tags")
            if rule.get("help") and not rule["help"].get("text"):
                problems.append(f"{rule['id']}: help needs text")
        for n, result in enumerate(run["results"]):
            where = f"result {n} ({result.get('ruleId')})"
            if not result.get("message", {}).get("text"):
                problems.append(f"{where}: message.text required")
            if result.get("level") not in ("none", "note", "warning", "error"):
                problems.append(f"{where}: bad level")
            index = result.get("ruleIndex")
            if index is None or not 0 <= index < len(rules) or rules[index]["id"] != result["ruleId"]:
                problems.append(f"{where}: ruleIndex does not match ruleId")
            if not result.get("partialFingerprints"):
                problems.append(f"{where}: partialFingerprints missing")
            locations = result.get("locations") or []
            if len(locations) < 1:
                problems.append(f"{where}: expected at least one location")
            for loc in locations + (result.get("relatedLocations") or []):
                physical = loc.get("physicalLocation", {})
                uri = physical.get("artifactLocation", {}).get("uri", "")
                if not uri or uri.startswith(("/", "file:")) or ".." in uri.split("/") or "\\" in uri:
                    problems.append(f"{where}: uri must be relative to the repository root: {uri!r}")
                region = physical.get("region")
                if region is not None and region.get("startLine", 1) < 1:
                    problems.append(f"{where}: startLine must be >= 1")
            if len(result.get("relatedLocations") or []) > 1000:
                problems.append(f"{where}: more than 1000 related locations")
            for suppression in result.get("suppressions", []):
                if suppression.get("kind") not in ("inSource", "external"):
                    problems.append(f"{where}: bad suppression kind")
    return problems


def test_sarif_from_a_nested_project_is_repo_relative_and_located(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {f"services/api/{k}": v for k, v in SERVICE.items()} | {"README.md": "# mono\n"})
    out = tmp_path / "r.sarif"
    result = run_cli("audit", str(repo / "services" / "api"), "--no-cache", "--no-history",
                     "--format", "sarif", "--output", str(out), "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, SARIF_SCHEMA)
    assert github_sarif_problems(doc) == []
    run = doc["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] for loc in r["locations"]}
    assert uris and all(u.startswith("services/api/") for u in uris), uris
    timeouts = [r for r in run["results"] if r["ruleId"] == "PR-TO-001"]
    open_ = [r for r in timeouts if "suppressions" not in r]
    silenced = [r for r in timeouts if "suppressions" in r]
    assert open_[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert silenced[0]["suppressions"] == [
        {"kind": "inSource", "status": "accepted", "justification": "sidecar on localhost"}]
    assert silenced[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 9
    # --project-root overrides the repository found from .git.
    other = run_cli("audit", str(repo / "services" / "api"), "--no-cache", "--no-history", "--format", "sarif",
                    "--fail-on", "never", "--project-root", str(repo / "services"), "--docs-url", "https://docs.test/rules.md")
    doc = json.loads(other.stdout)
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"] for loc in r["locations"]}
    assert all(u.startswith("api/") for u in uris), uris
    assert doc["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"].startswith("https://docs.test/rules.md#pr-")


def test_example_sarif_meets_githubs_constraints(tmp_path: Path) -> None:
    result = run_cli("audit", str(ROOT / "examples" / "shop-api"), "--no-cache", "--no-history", "--format", "sarif")
    doc = json.loads(result.stdout)
    assert github_sarif_problems(doc) == []
    project_wide = [r for r in doc["runs"][0]["results"] if "whole project" in r["message"]["text"]]
    assert project_wide and all(r["locations"] for r in project_wide)


def test_diff_base_fails_on_exactly_the_new_finding(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, SERVICE)
    (repo / "app" / "client.py").write_text("import requests\n\n\ndef ping(url):\n    return requests.post(url)\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "new call")
    whole = run_cli("audit", str(repo), "--no-cache", "--no-history", "--format", "json", "--fail-on", "never")
    assert len(json.loads(whole.stdout)["findings"]) > 1
    result = run_cli("audit", str(repo), "--no-cache", "--no-history", "--format", "json", "--diff-base", "HEAD~1")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["path"], f["line"]) for f in findings] == [("PR-TO-001", "app/client.py", 5)]
    unchanged = run_cli("audit", str(repo), "--no-cache", "--no-history", "--format", "json", "--diff-base", "HEAD")
    assert unchanged.returncode == 0 and json.loads(unchanged.stdout)["findings"] == []
    bad = run_cli("audit", str(repo), "--no-history", "--diff-base", "no-such-branch")
    assert bad.returncode == 2 and "unknown revision" in bad.stderr


def test_config_is_found_up_to_the_repo_root_and_applies_to_subfolders(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {f"services/api/{k}": v for k, v in SERVICE.items()} | {
        "pyproject.toml": (
            '[tool.prodready]\nexclude = ["services/api/legacy/"]\n'
            '[tool.prodready.per-file-ignores]\n"services/api/app/main.py" = ["PR-TO"]\n'
        ),
        ".gitignore": "generated/\n",
        "services/api/legacy/old.py": "import requests\nrequests.get('http://x')\n",
        "services/api/generated/gen.py": "import requests\nrequests.get('http://x')\n",
        "services/api/app/other.py": "import requests\nrequests.get('http://x')\n",
    })
    result = run_cli("audit", str(repo / "services" / "api"), "--no-cache", "--no-history", "--format", "json",
                     "--fail-on", "never", "--select", "PR-TO")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    paths = {f["path"] for f in report["findings"]}
    assert paths == {"app/other.py"}, paths  # legacy/ excluded, generated/ git-ignored, main.py per-file ignored
    assert {f["rule"] for f in report["findings"]} <= {r for r in (f["rule"] for f in report["findings"]) if r.startswith("PR-TO")}


def test_selectors_exit_zero_and_several_outputs(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "svc", SERVICE)
    by_category = run_cli("audit", str(root), "--no-cache", "--no-history", "--format", "json", "--select", "timeouts")
    assert by_category.returncode == 1
    assert {f["category"] for f in json.loads(by_category.stdout)["findings"]} == {"timeouts"}
    ignored = run_cli("audit", str(root), "--no-cache", "--no-history", "--format", "json", "--ignore", "PR-TO,container",
                      "--fail-on", "never")
    assert not any(f["rule"].startswith("PR-TO") or f["category"] == "container"
                   for f in json.loads(ignored.stdout)["findings"])
    unknown = run_cli("audit", str(root), "--no-history", "--select", "PR-ZZ")
    assert unknown.returncode == 2 and "unknown rule selector" in unknown.stderr
    out = tmp_path / "out"
    both = run_cli("audit", str(root), "--no-cache", "--no-history", "--exit-zero", "-q",
                   "-f", "json", "-o", str(out / "r.json"), "-f", "junit", "-o", str(out / "r.xml"))
    assert both.returncode == 0 and both.stderr == ""
    assert json.loads((out / "r.json").read_text())["findings"]
    ET.fromstring((out / "r.xml").read_text())
    mismatch = run_cli("audit", str(root), "--no-history", "-f", "json", "-f", "sarif")
    assert mismatch.returncode == 2 and "--output" in mismatch.stderr
    to_dir = run_cli("audit", str(root), "--no-cache", "--no-history", "--fail-on", "never",
                     "-f", "sarif", "-f", "gitlab", "--output-dir", str(out / "d"))
    assert to_dir.returncode == 0, to_dir.stderr
    assert sorted(p.name for p in (out / "d").iterdir()) == ["prodready.gitlab.json", "prodready.sarif"]


def test_several_paths_and_files_report_only_what_was_named(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {f"a/{k}": v for k, v in SERVICE.items()} | {f"b/{k}": v for k, v in SERVICE.items()}
                     | {"a/app/other.py": "import requests\nrequests.get('http://x')\n"})
    both = run_cli("audit", str(repo / "a"), str(repo / "b"), "--no-cache", "--no-history", "--format", "json",
                   "--fail-on", "never")
    assert both.returncode == 0, both.stderr
    paths = {f["path"] for f in json.loads(both.stdout)["findings"] if f["path"]}
    assert "a/app/main.py" in paths and "b/app/main.py" in paths
    one = run_cli("audit", str(repo / "a" / "app" / "other.py"), "--no-cache", "--no-history", "--format", "json",
                  "--fail-on", "never")
    report = json.loads(one.stdout)
    assert {f["path"] for f in report["findings"]} == {"app/other.py"}
    assert report["target"] == str((repo / "a").resolve())  # audited in the context of its project


def test_ci_formats(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {f"services/api/{k}": v for k, v in SERVICE.items()})
    target = str(repo / "services" / "api")
    gh = run_cli("audit", target, "--no-cache", "--no-history", "-f", "github", "--fail-on", "never")
    lines = gh.stdout.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert any(line.startswith("::error file=services/api/app/main.py,line=5,") for line in lines), lines
    gl = json.loads(run_cli("audit", target, "--no-cache", "--no-history", "-f", "gitlab", "--fail-on", "never").stdout)
    assert all({"description", "check_name", "fingerprint", "severity", "location"} <= set(i) for i in gl)
    assert all(i["severity"] in {"info", "minor", "major", "critical", "blocker"} for i in gl)
    assert len({i["fingerprint"] for i in gl}) == len(gl)
    assert any(i["location"] == {"path": "services/api/app/main.py", "lines": {"begin": 5}} for i in gl)
    junit = ET.fromstring(run_cli("audit", target, "--no-cache", "--no-history", "-f", "junit", "--fail-on", "never").stdout)
    assert junit.tag == "testsuites" and int(junit.get("failures", "0")) >= 1
    cases = [c for c in junit.iter("testcase") if c.get("name") == "PR-TO-001"]
    assert cases and "services/api/app/main.py:5" in (cases[0].find("failure").get("message") or "")  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", ["github", "gitlab", "junit", "sarif"])
def test_ci_formats_rerender_from_saved_json(tmp_path: Path, fmt: str) -> None:
    saved = tmp_path / "r.json"
    run_cli("audit", str(ROOT / "examples" / "shop-api"), "--no-cache", "--no-history", "-f", "json", "-o", str(saved))
    result = run_cli("report", str(saved), "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert "examples/shop-api/" in result.stdout
