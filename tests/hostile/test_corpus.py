"""One bad file never stops, hangs or subverts an audit (issue 10).

Bounds stated and asserted: each case finishes in CASE_SECONDS (the per-file analysis limit is
max-parse-seconds = 10 s; a case holds at most a few files), and the audit's peak RSS growth stays
under MEMORY_MB (the YAML bombs would otherwise take gigabytes)."""

from __future__ import annotations

import faulthandler
import json
import resource
import sys
import time
from pathlib import Path

import pytest

from prodready.cli import main
from tests.hostile.corpus import CASES, GOOD_FILE, GOOD_RULE, GOOD_TEXT, Case

CASE_SECONDS = 20.0
MEMORY_MB = 1024


def run_audit(root: Path, out: Path, *extra: str) -> int:
    return main(["audit", str(root), "--format", "json", "-o", str(out), "--no-progress", "--jobs", "1", *extra])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_one_bad_file_never_stops_the_audit(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "tree"
    (root / "service").mkdir(parents=True)
    (root / GOOD_FILE).write_text(GOOD_TEXT)
    case.build(root)
    out = tmp_path / "report.json"
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    faulthandler.dump_traceback_later(CASE_SECONDS * 3, exit=True, file=sys.__stderr__)  # a hang fails loudly, never blocks CI
    started = time.monotonic()
    try:
        code = run_audit(root, out)
    finally:
        faulthandler.cancel_dump_traceback_later()
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "internal error" not in captured.err, captured.err
    assert code in (0, 1), captured.err
    assert elapsed < CASE_SECONDS, f"{case.name} took {elapsed:.1f}s"
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert grown_mb < MEMORY_MB, f"{case.name} grew RSS by {grown_mb:.0f} MB"
    report = json.loads(out.read_text("utf-8"))
    assert any(f["rule"] == GOOD_RULE and f["path"] == GOOD_FILE for f in report["findings"]), "the good file was not audited"
    skipped = {s["path"]: s["reason"] for s in report["files"]["skipped"]}
    if case.bad is not None:
        assert case.bad in skipped, f"{case.bad} not in skipped: {skipped}"
        assert case.reason.lower() in skipped[case.bad].lower(), skipped[case.bad]
    for reason in skipped.values():
        assert "\n" not in reason and len(reason) < 300
