"""Results cannot be forged or silenced by the tree; hostile text costs linear time; nothing in
the tree runs; and (Hypothesis) no generated source or small tree makes the audit raise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodready.api import AuditSettings, audit
from prodready.cli import main, render
from prodready.config import Config

GOOD = "import requests\nrequests.get('x')\n"


def audit_json(root: Path, tmp_path: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    out = tmp_path / "r.json"
    code = main(["audit", str(root), "--format", "json", "-o", str(out), "--no-progress", "--jobs", "1", *extra])
    return code, json.loads(out.read_text()) if out.exists() else {}


def test_planted_or_corrupt_cache_cannot_hide_findings(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "app.py").write_text(GOOD)
    code, first = audit_json(root, tmp_path)
    cache = root / ".prodready" / "cache.json"
    mac, _, payload = cache.read_bytes().partition(b"\n")
    data = json.loads(payload)
    for entry in data["files"].values():
        entry["result"]["findings"] = []  # right content hash, findings removed
    cache.write_bytes(mac + b"\n" + json.dumps(data).encode())  # the MAC no longer matches
    _, second = audit_json(root, tmp_path)
    assert len(second["findings"]) == len(first["findings"]) > 0
    cache.write_bytes(b"deadbeef\n{\"salt\": 1, \"files\": []}")  # a planted cache from elsewhere
    _, third = audit_json(root, tmp_path)
    assert len(third["findings"]) == len(first["findings"])
    # A correctly signed but corrupt entry is ignored and recomputed.
    from prodready.engine import store

    key = store.user_key()
    assert key is not None
    audit_json(root, tmp_path)
    mac, _, payload = cache.read_bytes().partition(b"\n")
    data = json.loads(payload)
    for entry in data["files"].values():
        entry["result"] = {"path": 5, "findings": "x"}
    payload = json.dumps(data).encode()
    cache.write_bytes(store.sign(key, payload).encode() + b"\n" + payload)
    _, fourth = audit_json(root, tmp_path)
    assert len(fourth["findings"]) == len(first["findings"])


def test_corrupt_history_is_one_line_and_the_audit_completes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "tree"
    (root / ".prodready").mkdir(parents=True)
    (root / "app.py").write_text(GOOD)
    (root / ".prodready" / "history.db").write_bytes(b"this is not sqlite" * 100)
    code, report = audit_json(root, tmp_path)
    err = capsys.readouterr().err
    assert code in (0, 1) and report["findings"]
    warnings = [line for line in err.splitlines() if "warning" in line and "history" in line]
    assert len(warnings) == 1 and "Traceback" not in err


def test_baseline_without_fingerprints_is_not_fatal(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "app.py").write_text(GOOD)
    baseline = tmp_path / "b.json"
    baseline.write_text(json.dumps({"schema_version": 1, "findings": [{"rule": "x"}, 5, None]}))
    code, report = audit_json(root, tmp_path, "--baseline", str(baseline))
    assert code in (0, 1) and report["findings"]
    bad = tmp_path / "old.json"
    bad.write_text(json.dumps({"schema_version": 1, "findings": [{"rule": "x"}, {"fingerprint": "f", "severity": 3}]}))
    assert main(["diff", str(bad), str(bad), "--format", "markdown", "-o", str(tmp_path / "d.md")]) in (0, 1)


@pytest.mark.parametrize(
    ("config", "expect"),
    [
        ("select = ['PR-NOPE-001']\n", "unknown rule selector"),
        ("select = []\n", "empty"),
        ("exclude = ['*']\n", "leaves no file"),
        ("disable = ['PR-NOPE-002']\n", "unknown rule selector"),  # like Ruff: a typo is an error
        ("disable = ['ALL']\n", "selects no known rule"),
        ("[severity]\n'PR-TO-001' = ['high']\n", "severity"),
        ("max-file-size = 'big'\n", "max-file-size"),
    ],
)
def test_config_from_the_tree_never_silently_audits_nothing(
    config: str, expect: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "app.py").write_text(GOOD)
    (root / ".prodready.toml").write_text(config)
    code, report = audit_json(root, tmp_path)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    if expect is None:
        assert code in (0, 1) and any("PR-NOPE-002" in w for w in report["warnings"])
    else:
        assert code == 2 and expect in err and len(err.strip().splitlines()) == 1


def test_tool_prodready_of_bad_shape_in_pyproject(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "app.py").write_text(GOOD)
    for text in ("[tool]\nprodready = 'x'\n", "tool = 5\n", "[tool.prodready]\nfail-on = ['high']\n"):
        (root / "pyproject.toml").write_text(text)
        code, _ = audit_json(root, tmp_path)
        err = capsys.readouterr().err
        assert code in (0, 1, 2) and "Traceback" not in err and "internal error" not in err


def test_masking_suppressions_and_ignores_are_linear() -> None:
    from prodready.engine.discover import compile_patterns
    from prodready.engine.runner import find_suppressions
    from prodready.redact import redact

    for token in ("a" * 1_000_000, "eyJ-" * 250_000, "password: " + "a " * 500_000, "x=" * 500_000):
        started = time.monotonic()
        redact(token)
        assert time.monotonic() - started < 8, token[:20]
    lines = ["# prodready: ignore[PR-TO-001] reason"] * 100_000
    started = time.monotonic()
    assert len(find_suppressions("a.py", lines)) == 100_000
    assert time.monotonic() - started < 10
    hostile = ["**/" * 50 + "a*" * 40, "*" * 10_000, "[z-a]", "!", "a\\"] + [f"p{i}/**/*.x" for i in range(100_000)]
    warnings: list[str] = []
    started = time.monotonic()
    spec = compile_patterns(hostile, ".gitignore", warnings)
    assert spec is not None and warnings
    for index in range(2000):
        spec.match_file(f"{'a' * 200}/{index}/{'a' * 50}b.py")
    assert time.monotonic() - started < 15


MARKER_TREE = {
    "conftest.py": "open({marker!r} + '/conftest', 'w')\n",
    "setup.py": "open({marker!r} + '/setup', 'w')\n",
    "sitecustomize.py": "open({marker!r} + '/sitecustomize', 'w')\n",
    "usercustomize.py": "open({marker!r} + '/usercustomize', 'w')\n",
    "evil.pth": "import os; open({marker!r} + '/pth', 'w')\n",
    "yaml.py": "open({marker!r} + '/yaml', 'w')\n",
    "rich.py": "open({marker!r} + '/rich', 'w')\n",
    "package.json": '{{"scripts": {{"postinstall": "touch {marker}/npm", "test": "touch {marker}/npm"}}}}',
    "Makefile": "all:\n\ttouch {marker}/make\n",
    "app.py": GOOD,
}


def test_nothing_in_the_tree_is_imported_or_executed(tmp_path: Path) -> None:
    marker = tmp_path / "markers"
    marker.mkdir()
    root = tmp_path / "tree"
    root.mkdir()
    for name, text in MARKER_TREE.items():
        (root / name).write_text(text.format(marker=str(marker)))
    audit(root, AuditSettings(use_cache=False, jobs=1, config=Config()))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(  # `python -m prodready` run from inside the tree
        [sys.executable, "-m", "prodready", "audit", ".", "--format", "json", "--no-history", "--no-progress"],
        cwd=root, capture_output=True, text=True, timeout=120, env=env,
    )
    assert result.returncode in (0, 1), result.stderr
    assert json.loads(result.stdout)["findings"]
    assert sorted(p.name for p in marker.iterdir()) == []


NAMES = st.sampled_from(
    ["app.py", "src/x.js", "web.ts", "main.go", "Dockerfile", "docker-compose.yml", "k8s/d.yaml", ".env",
     "package.json", "pyproject.toml", ".gitignore", "requirements.txt", "go.mod", "README.md"]
)
CONTENT = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(["import requests", "requests.get(x)", "apiVersion: v1", "kind: Pod", "- &a [*a]",
                              "services:", "  web: {<<: *b}", "FROM x", "USER root", "# prodready: ignore[",
                              "password = 'x'", "{", "[", "\x1b[2J", "<script>", "`", "\\", "\x00", "\r"]),
             max_size=30).map("\n".join),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=st.dictionaries(NAMES, CONTENT, min_size=1, max_size=4))
def test_any_small_tree_yields_valid_json_and_sarif(files: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("prop")
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, "utf-8", errors="surrogatepass")
    try:
        report = audit(root, AuditSettings(use_cache=False, jobs=1, config=Config()))
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"audit raised {type(exc).__name__}: {exc}")
    data = json.loads(render(report, "json"))
    assert data["schema_version"] == 1
    sarif = json.loads(render(report, "sarif"))
    assert sarif["version"] == "2.1.0"
    render(report, "markdown")
    render(report, "text")
