"""Spawning and stopping trainer subprocesses.

Each trainer runs in its own session/process group so that stopping it also
stops any data-loader processes it forked.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Iterable, Sequence

log = logging.getLogger(__name__)

# Variables a trainer is allowed to inherit. Database and registry credentials
# deliberately stay in the worker.
_INHERITED_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "HOME", "PYTHONPATH", "CUDA_VISIBLE_DEVICES",
                  "HF_HOME", "TRANSFORMERS_OFFLINE", "HF_HUB_OFFLINE")

EXIT_INTERRUPTED = 3   # trainer saved a checkpoint and exited on SIGTERM
EXIT_BAD_CONFIG = 2


def trainer_env() -> dict[str, str]:
    env = {name: os.environ[name] for name in _INHERITED_ENV if name in os.environ}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def spawn_trainer(
    *,
    python: str,
    config_path: Path,
    output_dir: Path,
    log_path: Path,
    cwd: Path,
    resume: bool,
) -> subprocess.Popen:
    argv: list[str] = [python, "-m", "trainer.train", "--config", str(config_path),
                       "--output-dir", str(output_dir)]
    if resume:
        argv.append("--resume")
    # The child gets its own copy of the descriptor; the parent's is closed on
    # leaving the with-block, so long-running workers do not accumulate fds.
    with open(log_path, "ab", buffering=0) as log_file:
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=trainer_env(),
            close_fds=True,
            start_new_session=True,
        )


def signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass  # already gone; the caller's wait() collects the status
    except PermissionError:
        log.error("not allowed to signal trainer group", extra={"pid": proc.pid, "signal": sig})


def terminate_process_gracefully(proc: subprocess.Popen, grace_seconds: float, kill_wait: float = 5.0) -> int | None:
    """SIGTERM the trainer's group, wait up to ``grace_seconds``, then SIGKILL.

    Returns the exit code, or None if the process could not be reaped at all.
    """
    if proc.poll() is not None:
        return proc.returncode
    signal_group(proc, signal.SIGTERM)
    try:
        return proc.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        log.warning("trainer ignored SIGTERM, sending SIGKILL",
                    extra={"pid": proc.pid, "grace_seconds": grace_seconds})
    signal_group(proc, signal.SIGKILL)
    try:
        return proc.wait(timeout=kill_wait)
    except subprocess.TimeoutExpired:
        log.error("trainer did not exit after SIGKILL", extra={"pid": proc.pid})
        return None


def terminate_many(procs: Iterable[subprocess.Popen], grace_seconds: float, kill_wait: float = 5.0) -> dict[int, int | None]:
    """Stop several trainers with one shared deadline (used at worker shutdown)."""
    pending: Sequence[subprocess.Popen] = [p for p in procs if p.poll() is None]
    for proc in pending:
        signal_group(proc, signal.SIGTERM)

    deadline = time.monotonic() + grace_seconds
    while time.monotonic() < deadline and any(p.poll() is None for p in pending):
        time.sleep(0.2)

    for proc in pending:
        if proc.poll() is None:
            log.warning("trainer ignored SIGTERM at shutdown, sending SIGKILL", extra={"pid": proc.pid})
            signal_group(proc, signal.SIGKILL)

    results: dict[int, int | None] = {}
    for proc in pending:
        try:
            results[proc.pid] = proc.wait(timeout=kill_wait)
        except subprocess.TimeoutExpired:
            log.error("trainer did not exit after SIGKILL", extra={"pid": proc.pid})
            results[proc.pid] = None
    return results
