"""`--shutdown-test`: SIGTERM the service while requests are in flight; count the in-flight
requests that fail and time the exit (SIGKILL to the group after the deadline)."""

from __future__ import annotations

import asyncio
import signal
import time
from typing import Any

import aiohttp

from prodready.runtime.load import Request, _send
from prodready.runtime.service import ServiceProcess


async def shutdown_test(
    service: ServiceProcess, base_url: str, routes: list[Request], users: int, deadline_s: float,
    warm_s: float = 1.0,
) -> dict[str, Any]:
    base = base_url.rstrip("/")
    loop = asyncio.get_running_loop()
    signalled = asyncio.Event()
    sigterm_at: list[float] = []
    outcomes: dict[str, int] = {}
    in_flight = 0
    failed = 0

    async def user(session: aiohttp.ClientSession, number: int) -> None:
        nonlocal in_flight, failed
        index = number
        while not signalled.is_set():
            request = routes[index % len(routes)]
            index += 1
            sent = loop.time()
            outcome = await _send(session, base, request)
            if sigterm_at and sent < sigterm_at[0]:
                in_flight += 1
                key = str(outcome)
                outcomes[key] = outcomes.get(key, 0) + 1
                if not isinstance(outcome, int) or outcome >= 500:
                    failed += 1

    connector = aiohttp.TCPConnector(limit=users)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=deadline_s + 5)) as session:
        tasks = [asyncio.ensure_future(user(session, n)) for n in range(users)]
        await asyncio.sleep(warm_s)
        proc = service.proc
        assert proc is not None
        sigterm_at.append(loop.time())
        signalled.set()  # no new requests after the signal: only in-flight ones are judged
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        exit_s: float | None = None
        killed = False
        while time.monotonic() - started < deadline_s:
            if proc.poll() is not None:
                exit_s = round(time.monotonic() - started, 3)
                break
            await asyncio.sleep(0.05)
        if exit_s is None:
            service.signal_group(signal.SIGKILL)
            killed = True
        await asyncio.wait(tasks, timeout=10)
        for task in tasks:
            task.cancel()
    return {
        "signal": "SIGTERM",
        "in_flight": in_flight,
        "failed_in_flight": failed,
        "in_flight_outcomes": outcomes,
        "exit_s": exit_s,
        "deadline_s": deadline_s,
        "killed": killed,
        "exit_code": service.proc.poll() if service.proc else None,
    }
