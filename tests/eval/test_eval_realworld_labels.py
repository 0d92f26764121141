"""The real-world evaluation warns about labels that no finding can ever match."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("eval_realworld", ROOT / "scripts" / "eval_realworld.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_labels_past_the_end_or_on_missing_files_are_reported(tmp_path: Path) -> None:
    (tmp_path / "app.go").write_text("package main\n\nfunc main() {}\n")
    data = {
        "finding": [
            {"path": "app.go", "line": 3},
            {"path": "app.go", "line": 179},
            {"path": "gone.go", "line": 1},
        ]
    }
    problems = _script().misplaced_labels(data, tmp_path)
    assert problems == ["app.go:179: past the end of the file", "gone.go: no such file"]
