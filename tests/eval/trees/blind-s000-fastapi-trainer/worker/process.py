"""Spawning and signalling of training subprocesses."""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

TRAIN_ENTRYPOINT = Path(__file__).with_name("train_entry.py")


def spawn_training_process(
    job_id: str,
    config_path: Path,
    log_path: Path,
    extra_env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """Start the trainer in its own process group, with output going to the job log."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = os.environ.copy()
    env.update(extra_env or {})
    env["TRAINING_JOB_ID"] = job_id
    env["PYTHONUNBUFFERED"] = "1"

    log_file = open(log_path, "a", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(TRAIN_ENTRYPOINT), "--config", str(config_path)],
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=str(config_path.parent),
        start_new_session=True,
    )
    logger.info("spawned trainer job=%s pid=%d log=%s", job_id, proc.pid, log_path)
    return proc


def _signal_group(proc: subprocess.Popen, sig: signal.Signals) -> bool:
    try:
        os.killpg(os.getpgid(proc.pid), sig)
        return True
    except ProcessLookupError:
        return False


def pause_process(proc: subprocess.Popen) -> bool:
    return _signal_group(proc, signal.SIGSTOP)


def resume_process(proc: subprocess.Popen) -> bool:
    return _signal_group(proc, signal.SIGCONT)


async def terminate_process_gracefully(proc: subprocess.Popen, grace_period_s: float) -> int | None:
    """SIGTERM the process group, wait up to ``grace_period_s``, then SIGKILL.

    Always reaps the child so no zombie is left behind.
    """
    if proc.poll() is not None:
        return proc.returncode

    # A stopped (paused) process cannot handle SIGTERM until continued.
    _signal_group(proc, signal.SIGCONT)
    if not _signal_group(proc, signal.SIGTERM):
        return await asyncio.to_thread(proc.wait)

    try:
        return await asyncio.to_thread(proc.wait, grace_period_s)
    except subprocess.TimeoutExpired:
        logger.warning("pid=%d did not exit after %.0fs; sending SIGKILL", proc.pid, grace_period_s)
        _signal_group(proc, signal.SIGKILL)
        return await asyncio.to_thread(proc.wait)
