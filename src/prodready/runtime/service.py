"""Start the service (`--cmd`) in its own process group, wait until it answers, stop everything
it started: SIGTERM to the group, SIGKILL after a grace period — also on Ctrl-C and errors."""

from __future__ import annotations

import asyncio
import atexit
import os
import shlex
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO

import aiohttp


class ServiceError(RuntimeError):
    """The service did not start or did not answer."""


class ServiceProcess:
    def __init__(self, cmd: str, cwd: Path | None = None) -> None:
        self.cmd = cmd
        self.cwd = cwd
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self) -> None:
        argv = shlex.split(self.cmd)
        if not argv:
            raise ServiceError("--cmd is empty")
        handle, name = tempfile.mkstemp(prefix="prodready-service-", suffix=".log")
        os.close(handle)
        self.log_path = Path(name)
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        try:
            self.proc = subprocess.Popen(
                argv, cwd=self.cwd, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,  # own process group: stop() reaches every child
            )
        except OSError as exc:
            self._close_log()
            raise ServiceError(f"cannot start {argv[0]!r}: {exc.strerror or exc}") from exc
        atexit.register(self.stop)

    def log_tail(self, lines: int = 8) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        text = self.log_path.read_text("utf-8", "replace").strip().splitlines()
        return "\n".join(text[-lines:])

    async def wait_ready(self, url: str, timeout_s: float) -> float:
        """Poll until any HTTP answer; seconds it took. Fails fast when the process exits."""
        started = time.monotonic()
        # prodready: ignore[PR-TO-001] every request below carries its own ClientTimeout(total=2)
        async with aiohttp.ClientSession() as session:
            while True:
                if self.proc is not None and self.proc.poll() is not None:
                    raise ServiceError(
                        f"the service exited with code {self.proc.returncode} before answering"
                        + (f":\n{self.log_tail()}" if self.log_tail() else "")
                    )
                try:
                    # any status line is an answer: the body is never read (the service may stream or be huge)
                    async with session.get(url, timeout=aiohttp.ClientTimeout(total=2)):
                        return time.monotonic() - started
                except (aiohttp.ClientError, OSError, TimeoutError):
                    pass
                if time.monotonic() - started > timeout_s:
                    raise ServiceError(f"the service did not answer at {url} within {timeout_s:.0f} s")
                await asyncio.sleep(0.1)

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal_group(self, signum: int) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self, grace_s: float = 5.0) -> None:
        """SIGTERM the whole group, SIGKILL what is left after ``grace_s``. Idempotent."""
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            self.signal_group(signal.SIGTERM)
            try:
                proc.wait(grace_s)
            except subprocess.TimeoutExpired:
                pass
        # Children may outlive the leader: kill the group whatever the leader did.
        self.signal_group(signal.SIGKILL)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self._close_log()
        atexit.unregister(self.stop)

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
