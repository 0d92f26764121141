"""Shared test helpers: run the real CLI in a subprocess, write small service trees."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shop-api"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prodready", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def audit_json(target: Path, *extra: str) -> dict[str, Any]:
    result = run_cli("audit", str(target), "--format", "json", "--no-cache", "--no-history", "--fail-on", "never", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
