"""The engine: parallel == serial, the cache gives the same answers and notices edits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from prodready.api import AuditSettings, audit
from prodready.config import Config
from prodready.report.json_report import report_to_dict

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "shop-api"


def comparable(report) -> str:  # type: ignore[no-untyped-def]
    data = report_to_dict(report)
    for key in ("started_at", "duration_s", "target"):
        data.pop(key)
    return json.dumps(data, sort_keys=True)


def many_files(tmp_path: Path) -> Path:
    """Enough files (>= 40) to take the multi-process path."""
    root = tmp_path / "tree"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".prodready"))
    for index in range(45):
        (root / "app" / f"mod{index}.py").write_text(
            f"def f{index}():\n    try:\n        g()\n    except:\n        pass\n"
        )
    return root


def test_parallel_and_serial_runs_agree(tmp_path: Path) -> None:
    root = many_files(tmp_path)
    serial = audit(root, AuditSettings(use_cache=False, jobs=1, config=Config()))
    parallel = audit(root, AuditSettings(use_cache=False, jobs=2, config=Config()))
    assert comparable(serial) == comparable(parallel)
    assert len(serial.findings) >= 45


def test_warm_cache_gives_identical_results_and_sees_edits(tmp_path: Path) -> None:
    root = many_files(tmp_path)
    settings = AuditSettings(use_cache=True, jobs=2, config=Config())
    cold = audit(root, settings)
    assert (root / ".prodready" / "cache.json").is_file()
    warm = audit(root, settings)
    assert comparable(cold) == comparable(warm)
    # Fix one file: its finding disappears on the next (cached) run.
    (root / "app" / "mod3.py").write_text("def f3():\n    return 1\n")
    edited = audit(root, settings)
    assert not any(f.path == "app/mod3.py" for f in edited.findings)
    assert len(edited.findings) == len(cold.findings) - 1


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    root = many_files(tmp_path)
    (root / ".prodready").mkdir(exist_ok=True)
    (root / ".prodready" / "cache.json").write_text("{not json")
    report = audit(root, AuditSettings(use_cache=True, jobs=1, config=Config()))
    assert report.findings
