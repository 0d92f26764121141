"""Inline suppressions in every comment style, config files, unused suppressions."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import audit_json, run_cli, write_tree


def test_inline_suppressions_in_every_comment_style(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/a.py": (
            "import requests\n\n\ndef f(u):\n"
            "    requests.get(u)  # prodready: ignore[PR-TO-001] internal sidecar, bounded by the mesh\n"
            "    # prodready: ignore[PR-TO-001]\n"
            "    requests.get(u)\n"
            "    requests.get(u)\n"
        ),
        "svc/main.go": (
            "package main\n\nimport \"net/http\"\n\nfunc f() {\n"
            "\t// prodready: ignore[PR-TO-202] health probe of a local process\n"
            "\thttp.Get(\"http://127.0.0.1/health\")\n}\n"
        ),
        "Dockerfile": "# prodready: ignore[PR-CT-303]\nFROM python:latest\nUSER app\n",
        "docker-compose.yml": (
            "services:\n  api:\n    build: .\n  db:\n    image: postgres:16\n    environment:\n"
            "      POSTGRES_PASSWORD: postgres  # prodready: ignore[PR-SE-301] local-only fixture database\n"
        ),
        "app/b.py": "x = 1  # prodready: ignore[PR-EH-001] nothing to suppress here\n",
    })
    report = audit_json(tmp_path)
    timeouts = [(f["path"], f["line"]) for f in report["findings"] if f["rule"] == "PR-TO-001"]
    assert timeouts == [("app/a.py", 8)]
    rules = {f["rule"] for f in report["findings"]}
    assert not rules & {"PR-TO-202", "PR-CT-303", "PR-SE-301"}
    assert report["suppressed"] == 5
    unused = report["unused_suppressions"]
    assert [(u["path"], u["rules"]) for u in unused] == [("app/b.py", ["PR-EH-001"])]
    assert unused[0]["reason"] == "nothing to suppress here"


def test_pyproject_config_excludes_disables_and_overrides(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pyproject.toml": (
            "[project]\nname = 'svc'\n\n[tool.prodready]\nexclude = ['legacy/']\n"
            "disable = ['PR-EH-001']\nfail-on = 'critical'\n\n[tool.prodready.severity]\n'PR-TO-001' = 'low'\n"
        ),
        "app/a.py": "import requests\n\n\ndef f(u):\n    try:\n        return requests.get(u)\n    except:\n        pass\n",
        "legacy/old.py": "import requests\nrequests.get('x')\n",
    })
    report = audit_json(tmp_path)
    assert {f["rule"] for f in report["findings"]} >= {"PR-TO-001"}
    assert "PR-EH-001" not in {f["rule"] for f in report["findings"]}
    assert not any(f["path"].startswith("legacy/") for f in report["findings"] if f["path"])
    assert [f["severity"] for f in report["findings"] if f["rule"] == "PR-TO-001"] == ["low"]
    # fail-on = critical from the config: high findings alone do not fail the run.
    assert run_cli("audit", str(tmp_path), "--no-cache", "--no-history").returncode == 0


def test_dot_prodready_toml_and_bad_config(tmp_path: Path) -> None:
    write_tree(tmp_path, {".prodready.toml": "disable = ['PR-TO-001']\n", "a.py": "import requests\nrequests.get('x')\n"})
    assert not any(f["rule"] == "PR-TO-001" for f in audit_json(tmp_path)["findings"])
    (tmp_path / ".prodready.toml").write_text("disable = 'PR-TO-001'\n")
    bad = run_cli("audit", str(tmp_path), "--no-cache", "--no-history")
    assert bad.returncode == 2 and "must be a list of strings" in bad.stderr
    (tmp_path / ".prodready.toml").write_text("[severity]\n'PR-TO-001' = 'urgent'\n")
    bad = run_cli("audit", str(tmp_path), "--no-cache", "--no-history")
    assert bad.returncode == 2 and "severity for PR-TO-001" in bad.stderr
    (tmp_path / ".prodready.toml").write_text("unknown = 1\n")
    bad = run_cli("audit", str(tmp_path), "--no-cache", "--no-history")
    assert bad.returncode == 2 and "unknown key" in bad.stderr
