"""Fingerprints survive edits; baselines hide accepted findings; diff and history track fixes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.helpers import audit_json, run_cli, write_tree

SERVICE = {
    "app/main.py": (
        "import requests\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
        "def notify(url):\n    return requests.post(url, json={})\n\n\n"
        "def other():\n    return 1\n"
    ),
    "app/jobs.py": "import subprocess\n\n\ndef run(cmd):\n    try:\n        subprocess.check_call(cmd, timeout=5)\n    except:\n        pass\n",
}


def fingerprints(report: dict) -> dict[str, str]:
    """The identity of every place of every finding (what baselines and diffs track)."""
    return {loc["fingerprint"]: f["rule"] for f in report["findings"] for loc in f["locations"]}


def test_fingerprints_survive_line_shifts_and_unrelated_edits(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "svc", SERVICE)
    before = fingerprints(audit_json(root))
    assert "PR-TO-001" in before.values() and "PR-EH-001" in before.values()
    main = root / "app" / "main.py"
    text = main.read_text().replace("def other():\n    return 1\n", "def other():\n    return 2  # changed\n")
    main.write_text("# a new header comment\n\n\n" + text)
    after = audit_json(root)
    assert fingerprints(after) == before
    moved = [f for f in after["findings"] if f["rule"] == "PR-TO-001"][0]
    assert moved["line"] == 11  # the line moved, the identity did not
    # Changing the offending code itself changes the identity.
    main.write_text(main.read_text().replace("requests.post(url, json={})", "requests.put(url, json={})"))
    assert fingerprints(audit_json(root)) != before


def test_baseline_hides_accepted_findings_and_fails_only_on_new_ones(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "svc", SERVICE)
    baseline = tmp_path / "baseline.json"
    made = run_cli("baseline", str(root), "--output", str(baseline), "--no-cache")
    assert made.returncode == 0, made.stderr
    accepted = json.loads(baseline.read_text())
    assert accepted["prodready_baseline"] == 1 and accepted["findings"]
    clean = run_cli("audit", str(root), "--baseline", str(baseline), "--no-cache", "--no-history", "--format", "json")
    assert clean.returncode == 0, clean.stdout
    data = json.loads(clean.stdout)
    assert data["findings"] == [] and data["baselined"] == len(accepted["findings"])
    (root / "app" / "new.py").write_text("import requests\n\n\ndef leak():\n    return requests.get('https://x')\n")
    new = run_cli("audit", str(root), "--baseline", str(baseline), "--no-cache", "--no-history", "--format", "json")
    assert new.returncode == 1
    assert [f["path"] for f in json.loads(new.stdout)["findings"]] == ["app/new.py"]
    missing = run_cli("audit", str(root), "--baseline", str(tmp_path / "nope.json"), "--no-history")
    assert missing.returncode == 2 and "baseline not found" in missing.stderr


def test_diff_reports_fixed_new_and_still_open(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "svc", SERVICE)
    old = tmp_path / "old.json"
    old.write_text(json.dumps(audit_json(root)))
    (root / "app" / "jobs.py").write_text("def run(cmd):\n    return cmd\n")
    (root / "app" / "extra.py").write_text("import requests\n\n\ndef ping():\n    return requests.get('https://x')\n")
    new = tmp_path / "new.json"
    new.write_text(json.dumps(audit_json(root)))
    result = run_cli("diff", str(old), str(new), "--format", "json")
    assert result.returncode == 1  # a new high finding
    diff = json.loads(result.stdout)
    assert set(diff) == {"fixed", "new", "still_open"}
    assert "PR-EH-001" in [f["rule"] for f in diff["fixed"]]
    assert {f["path"] for f in diff["new"]} == {"app/extra.py"}
    assert "PR-TO-001" in {f["rule"] for f in diff["still_open"]}
    markdown = run_cli("diff", str(old), str(new), "--format", "markdown").stdout
    assert f"## Fixed and verified ({len(diff['fixed'])})" in markdown and "- [x]" in markdown
    text = run_cli("diff", str(old), str(new)).stdout
    assert text.startswith(f"fixed: {len(diff['fixed'])}  new: 1")
    broken = tmp_path / "broken.json"
    broken.write_text("not json")
    refused = run_cli("diff", str(broken), str(new))
    assert refused.returncode == 2 and "not JSON" in refused.stderr and "Traceback" not in refused.stderr


def test_history_records_every_run_in_sqlite_and_shows_the_trend(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "svc", SERVICE)
    for _ in range(2):
        assert run_cli("audit", str(root), "--no-cache", "--format", "json", "--fail-on", "never").returncode == 0
    (root / "app" / "jobs.py").write_text("def run(cmd):\n    return cmd\n")
    assert run_cli("audit", str(root), "--no-cache", "--format", "json", "--fail-on", "never").returncode == 0
    database = root / ".prodready" / "history.db"
    with sqlite3.connect(database) as conn:
        assert conn.execute("select count(*) from prodready_runs").fetchone()[0] == 3
        stored = " ".join(r[0] for r in conn.execute("select message from prodready_findings"))
    assert "requests.post()" in stored
    trend = run_cli("history", str(root), "--format", "json")
    assert trend.returncode == 0, trend.stderr
    runs = json.loads(trend.stdout)
    assert [r["categories"].get("error-handling", 0) for r in runs] == [1, 1, 0]
    table = run_cli("history", str(root))
    assert "error-handling" in table.stdout
    assert f"since run {runs[1]['run']}: " in table.stdout and " 0 new" in table.stdout


def test_history_accepts_any_sqlalchemy_url_and_survives_read_only_targets(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "svc", SERVICE)
    url = f"sqlite:///{tmp_path / 'team.db'}"
    assert run_cli("audit", str(root), "--no-cache", "--history-url", url, "--fail-on", "never").returncode == 0
    assert json.loads(run_cli("history", str(root), "--history-url", url, "--format", "json").stdout)
    broken = run_cli("audit", str(root), "--no-cache", "--history-url", "nosuchdriver://x", "--fail-on", "never")
    assert broken.returncode == 0
    assert "warning: run not recorded" in broken.stderr


GROUPED = {
    "app/client.py": (
        "import requests\n\n\n"
        "def one(url):\n    return requests.get(url)\n\n\n"
        "def two(url):\n    return requests.post(url, json={})\n"
    ),
}


def test_instances_of_one_defect_in_a_file_are_one_finding_with_every_location(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "svc", GROUPED)
    report = audit_json(root)
    timeouts = [f for f in report["findings"] if f["rule"] == "PR-TO-001"]
    assert len(timeouts) == 1
    finding = timeouts[0]
    assert [(loc["path"], loc["line"]) for loc in finding["locations"]] == [("app/client.py", 5), ("app/client.py", 9)]
    assert (finding["path"], finding["line"]) == ("app/client.py", 5)
    assert "1 more place" in finding["message"]
    # A third place keeps the defect's identity; the new place has its own.
    client = root / "app" / "client.py"
    client.write_text(client.read_text() + "\n\ndef three(url):\n    return requests.put(url)\n")
    after = [f for f in audit_json(root)["findings"] if f["rule"] == "PR-TO-001"][0]
    assert after["fingerprint"] == finding["fingerprint"]
    assert len(after["locations"]) == 3
    assert {loc["fingerprint"] for loc in finding["locations"]} < {loc["fingerprint"] for loc in after["locations"]}


def test_baseline_accepts_places_so_a_new_place_of_a_known_defect_still_fails(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "svc", GROUPED)
    baseline = tmp_path / "baseline.json"
    assert run_cli("baseline", str(root), "--output", str(baseline), "--no-cache").returncode == 0
    clean = run_cli("audit", str(root), "--baseline", str(baseline), "--no-cache", "--no-history",
                    "--format", "json", "--fail-on", "medium")
    assert clean.returncode == 0, clean.stdout
    client = root / "app" / "client.py"
    client.write_text(client.read_text() + "\n\ndef three(url):\n    return requests.put(url)\n")
    new = run_cli("audit", str(root), "--baseline", str(baseline), "--no-cache", "--no-history",
                  "--format", "json", "--fail-on", "medium")
    assert new.returncode == 1
    left = [f for f in json.loads(new.stdout)["findings"] if f["rule"] == "PR-TO-001"]
    assert [(loc["line"]) for f in left for loc in f["locations"]] == [13]


def test_a_related_place_is_part_of_its_finding_for_a_baseline(tmp_path: Path) -> None:
    """A finding that lists a related place (where a growing collection is declared) carries the
    finding's fingerprint there: a baseline that accepted the finding before the place was listed
    still accepts it."""
    root = write_tree(tmp_path / "svc", {
        "app/jobs.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n\njobs = {}\n\n\n\n\n@app.post('/jobs/{job_id}')\n"
                       "def start(job_id: str):\n    jobs[job_id] = 'running'\n    return {'id': job_id}\n",
    })
    report = audit_json(root)
    grown = [f for f in report["findings"] if f["rule"] == "PR-UG-001"]
    assert grown and [loc["line"] for loc in grown[0]["locations"]] == [14, 7]
    assert {loc["fingerprint"] for loc in grown[0]["locations"]} == {grown[0]["fingerprint"]}
    # a baseline written when the finding had only its own place
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"prodready_baseline": 1, "findings": [
        {"fingerprint": grown[0]["fingerprint"], "rule": "PR-UG-001", "path": "app/jobs.py", "line": 14},
    ]}))
    again = run_cli("audit", str(root), "--baseline", str(baseline), "--no-cache", "--no-history", "--format", "json")
    assert not [f for f in json.loads(again.stdout)["findings"] if f["rule"] == "PR-UG-001"]
