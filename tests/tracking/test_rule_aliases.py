"""One rule id per problem: the old per-language ids (PR-TO-101 for JavaScript, PR-TO-201 for Go,
now matchers of PR-TO-001) still work wherever users wrote them: inline suppressions, --select and
--ignore, config `disable`/`severity`/`per-file-ignores`, baselines and `prodready rules`."""

from __future__ import annotations

import json
from pathlib import Path

from prodready.rules.registry import find_rule, load_registry
from tests.helpers import ROOT, audit_json, run_cli, write_tree

OLD_BASELINE = ROOT / "tests" / "data" / "baseline-old-rule-ids.json"  # written by prodready before the merge

# Old id -> the id it became (issue #7, "One rule id per problem, across languages").
MERGED = {
    "PR-TO-101": "PR-TO-001", "PR-TO-201": "PR-TO-001", "PR-AU-101": "PR-AU-003", "PR-AU-102": "PR-AU-002",
    "PR-CF-101": "PR-CF-001", "PR-CO-101": "PR-CO-001", "PR-CO-201": "PR-CO-001", "PR-CO-102": "PR-CO-002",
    "PR-EH-101": "PR-EH-001", "PR-EH-204": "PR-EH-103", "PR-HC-101": "PR-HC-001", "PR-IV-102": "PR-IV-001",
    "PR-IV-201": "PR-IV-002", "PR-IV-103": "PR-IV-006", "PR-IV-203": "PR-IV-006", "PR-LG-101": "PR-LG-001",
    "PR-LG-202": "PR-LG-001", "PR-LG-102": "PR-LG-002", "PR-LG-201": "PR-LG-002", "PR-PM-102": "PR-PM-001",
    "PR-PM-202": "PR-PM-001", "PR-PM-101": "PR-PM-004", "PR-PM-201": "PR-PM-004", "PR-RT-101": "PR-RT-001",
    "PR-RT-102": "PR-RT-003", "PR-RT-201": "PR-RT-003", "PR-SE-102": "PR-SE-003", "PR-SE-201": "PR-SE-003",
    "PR-UG-101": "PR-UG-001", "PR-UG-201": "PR-UG-001", "PR-UG-102": "PR-UG-003",
}

# One problem in three languages (the tree the old baseline was written from).
TREE = {
    "app/client.py": "import requests\n\n\ndef charge(url, body):\n    return requests.post(url, json=body)\n",
    "web/package.json": '{"name": "web", "dependencies": {"express": "^4.19.0"}}\n',
    "web/server.js": (
        'const express = require("express");\nconst app = express();\n\n'
        'app.get("/quote", async (req, res) => {\n'
        '  const first = await fetch("https://rates.example.com/quote");\n'
        '  const second = await fetch("https://backup.example.com/quote");\n'
        "  res.json({ first: await first.json(), second: await second.json() });\n});\n\napp.listen(3000);\n"
    ),
    "svc/go.mod": "module example.com/svc\n\ngo 1.22\n",
    "svc/main.go": (
        'package main\n\nimport "net/http"\n\nvar client = &http.Client{}\n\nfunc main() {\n'
        '\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {\n'
        '\t\tresp, err := client.Get("https://example.com")\n\t\tif err != nil {\n\t\t\treturn\n\t\t}\n'
        "\t\tdefer resp.Body.Close()\n\t})\n\thttp.ListenAndServe(\":8080\", nil)\n}\n"
    ),
}
PLACES = {("app/client.py", 5), ("svc/main.go", 5), ("web/server.js", 5), ("web/server.js", 6)}


def places(report: dict, rule: str = "PR-TO-001") -> set[tuple[str, int]]:
    return {(loc["path"], loc["line"]) for f in report["findings"] if f["rule"] == rule for loc in f["locations"]}


def test_every_merged_old_id_names_its_rule() -> None:
    registry = load_registry()
    for old, new in MERGED.items():
        assert registry.by_id(old).id == new  # type: ignore[union-attr]
        assert find_rule(old).id == new  # type: ignore[union-attr]
        assert old in find_rule(new).aliases  # type: ignore[union-attr]
    listed = {r.id for r in registry.catalogue}
    assert not listed & set(MERGED), "an old id is still a catalogue entry of its own"
    timeouts = registry.by_id("PR-TO-001")
    assert timeouts is not None and {lang.value for lang in timeouts.languages} >= {"python", "javascript", "go"}
    assert registry.by_id("js-http-call-without-timeout") is timeouts  # old names too


def test_findings_carry_the_one_id_in_every_language(tmp_path: Path) -> None:
    report = audit_json(write_tree(tmp_path, TREE))
    assert places(report) == PLACES
    assert not {f["rule"] for f in report["findings"]} & set(MERGED)
    shutdown = [f["path"] for f in report["findings"] if f["rule"] == "PR-PM-004"]
    assert sorted(shutdown) == ["svc/main.go", "web/server.js"]  # Go and Node, one id


def test_old_id_in_an_inline_suppression_still_suppresses(tmp_path: Path) -> None:
    tree = dict(TREE)
    tree["web/server.js"] = tree["web/server.js"].replace(
        '  const second = await fetch("https://backup.example.com/quote");',
        '  const second = await fetch("https://backup.example.com/quote");  // prodready: ignore[PR-TO-101] bounded by the caller',
    )
    tree["svc/main.go"] = tree["svc/main.go"].replace(
        "var client = &http.Client{}", "// prodready: ignore[PR-TO-201] streaming client, deadline per request\nvar client = &http.Client{}"
    )
    report = audit_json(write_tree(tmp_path, tree))
    assert places(report) == {("app/client.py", 5), ("web/server.js", 5)}
    assert report["suppressed"] == 2
    assert report["unused_suppressions"] == []


def test_old_ids_select_and_ignore_their_language_alone(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    assert places(audit_json(tmp_path, "--ignore", "PR-TO-101")) == PLACES - {("web/server.js", 5), ("web/server.js", 6)}
    assert places(audit_json(tmp_path, "--ignore", "PR-TO-201,js-http-call-without-timeout")) == {("app/client.py", 5)}
    assert places(audit_json(tmp_path, "--ignore", "PR-TO-001")) == set()
    assert places(audit_json(tmp_path, "--select", "PR-TO-101")) == {("web/server.js", 5), ("web/server.js", 6)}
    assert places(audit_json(tmp_path, "--select", "PR-TO-001")) == PLACES
    only_go = audit_json(tmp_path, "--select", "PR-PM-201")
    assert [f["path"] for f in only_go["findings"]] == ["svc/main.go"]


def test_old_ids_in_the_config_file(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    (tmp_path / ".prodready.toml").write_text(
        "disable = ['PR-TO-201']\n[severity]\n'PR-TO-101' = 'low'\n"
        "[per-file-ignores]\n'**' = ['PR-PM-101']\n"
    )
    report = audit_json(tmp_path)
    assert places(report) == {("app/client.py", 5), ("web/server.js", 5), ("web/server.js", 6)}
    severity = {f["path"]: f["severity"] for f in report["findings"] if f["rule"] == "PR-TO-001"}
    assert severity == {"app/client.py": "high", "web/server.js": "low"}  # the old id: its language alone
    assert [f["path"] for f in report["findings"] if f["rule"] == "PR-PM-004"] == ["svc/main.go"]


def test_a_baseline_written_with_the_old_ids_still_matches(tmp_path: Path) -> None:
    """Fingerprints are seeded by the matcher's old id, so they did not change when ids merged."""
    write_tree(tmp_path, TREE)
    old = json.loads(OLD_BASELINE.read_text("utf-8"))["findings"]
    accepted = {e["fingerprint"] for e in old if e["rule"] in {"PR-TO-001", "PR-TO-101", "PR-TO-201"}}
    report = audit_json(tmp_path)
    now = {loc["fingerprint"] for f in report["findings"] if f["rule"] == "PR-TO-001" for loc in f["locations"]}
    assert now == accepted
    hidden = audit_json(tmp_path, "--baseline", str(OLD_BASELINE))
    assert places(hidden) == set()
    assert hidden["baselined"] >= len(accepted)
    # A baseline written now (canonical ids) is the same accepted set.
    run_cli("baseline", str(tmp_path), "-o", str(tmp_path / "new.json"), "--no-cache")
    new = json.loads((tmp_path / "new.json").read_text("utf-8"))["findings"]
    assert {e["fingerprint"] for e in new if e["rule"] == "PR-TO-001"} == accepted


def test_rules_command_explains_an_old_id_with_the_merged_rule() -> None:
    shown = run_cli("rules", "PR-TO-101")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("# PR-TO-001 — ")
    assert "PR-TO-101" in shown.stdout and "PR-TO-201" in shown.stdout  # named as former ids
    as_json = json.loads(run_cli("rules", "go-cors-any-origin", "--format", "json").stdout)
    assert as_json["id"] == "PR-CO-001" and "PR-CO-201" in as_json["aliases"]
    assert {"go", "javascript", "python", "typescript"} <= set(as_json["languages"])
    listing = json.loads(run_cli("rules", "--format", "json").stdout)
    ids = [r["id"] for r in listing]
    assert len(ids) == len(set(ids)) and not set(ids) & set(MERGED)


def test_reports_show_one_id_and_sarif_one_rule_per_id(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    out = tmp_path / "out"
    done = run_cli("audit", str(tmp_path), "--no-cache", "--no-history", "--fail-on", "never", "--output-dir", str(out),
                   "-f", "sarif", "-f", "markdown", "-f", "html", "-f", "json")
    assert done.returncode == 0, done.stderr
    sarif = json.loads((out / "prodready.sarif").read_text("utf-8"))
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    assert "PR-TO-001" in rule_ids and not set(rule_ids) & set(MERGED)
    timeouts = [r for r in run["results"] if r["ruleId"] == "PR-TO-001"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in timeouts} == {
        "app/client.py", "svc/main.go", "web/server.js"}
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    for name in ("prodready.md", "prodready.html", "prodready.json"):
        text = (out / name).read_text("utf-8")
        assert "PR-TO-001" in text, name
        assert not [old for old in MERGED if old in text], name
