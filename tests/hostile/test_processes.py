"""An audit stopped by SIGTERM takes its workers with it; audits run side by side lose no history."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

SERVICE = "import requests\n\n\ndef call(url):\n    return requests.get(url)\n" + "x = [i for i in range(10)]\n" * 400


def _tree(root: Path, files: int) -> Path:
    for n in range(files):
        path = root / f"pkg{n % 20}" / f"mod{n}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SERVICE)
    return root


def test_sigterm_during_the_worker_phase_ends_the_workers_and_closes_stdout(tmp_path: Path) -> None:
    root = _tree(tmp_path / "svc", 3000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "prodready", "audit", str(root), "--no-cache", "--no-history", "--no-progress", "-j", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    workers: list[psutil.Process] = []
    while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
        workers = parent.children(recursive=True)
        time.sleep(0.05)
    assert len(workers) >= 2, "the audit never started its workers"
    proc.send_signal(signal.SIGTERM)
    try:
        proc.communicate(timeout=20)  # EOF on stdout: nobody holds the pipe any more
    finally:
        if proc.poll() is None:
            proc.kill()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"workers outlived the audit: {[p.pid for p in alive]}"
    assert proc.returncode != 0


def test_parallel_audits_of_a_fresh_tree_record_every_run(tmp_path: Path) -> None:
    root = _tree(tmp_path / "svc", 3)

    def one(_: int) -> int:
        done = subprocess.run(
            [sys.executable, "-m", "prodready", "audit", str(root), "--no-progress", "-j", "1", "--fail-on", "never"],
            capture_output=True, text=True, timeout=120,
        )
        return done.returncode

    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(one, range(4)))
    assert codes == [0, 0, 0, 0]
    listed = subprocess.run([sys.executable, "-m", "prodready", "history", str(root), "--format", "json"],
                            capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 4
