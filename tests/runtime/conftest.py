"""Real servers on 127.0.0.1 with free ports; every process started here is killed in teardown,
even when the test fails or is interrupted (own process group, SIGKILL after a short grace)."""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_cmd(app: str, port: int) -> str:
    return f"{sys.executable} -m tests.runtime.apps.serve {app} {port}"


def wait_until_answers(url: str, proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(wait)
            if sig == signal.SIGTERM:
                continue
        except subprocess.TimeoutExpired:
            continue


# Apps the probe tests share: started together once (in parallel, ~2 s instead of ~2 s each).
SHARED_APPS = ("good", "no_rate_limit", "cors_reflect", "stack_trace", "no_body_limit", "unprotected",
               "ready_checks_nothing", "auth_not_enforced")
_STARTED: list[subprocess.Popen[bytes]] = []


@atexit.register
def _kill_leftovers() -> None:  # an interrupted session still leaves no server behind
    for proc in _STARTED:
        if proc.poll() is None:
            kill_group(proc)


def _spawn(app: str) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.runtime.apps.serve", app, str(port)], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    _STARTED.append(proc)
    return f"http://127.0.0.1:{port}", proc


@pytest.fixture(scope="session")
def server_pool() -> Iterator[dict[str, str]]:
    spawned = {app: _spawn(app) for app in SHARED_APPS}
    try:
        for url, proc in spawned.values():
            wait_until_answers(url, proc, timeout=60)
        yield {app: url for app, (url, _) in spawned.items()}
    finally:
        for _, proc in spawned.values():
            kill_group(proc)


@pytest.fixture
def serve(server_pool: dict[str, str]) -> Callable[[str], str]:
    """serve("good") -> base URL of tests/runtime/apps/good.py under uvicorn (shared per session)."""
    return server_pool.__getitem__
