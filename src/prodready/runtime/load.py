"""The load generator: asyncio + aiohttp (uvloop when importable), open model (fixed arrival rate)
or closed model (N users). Open-model latency is measured from each request's *intended* send time,
so a stalling server cannot hide its stalls by slowing the generator down (coordinated omission).
Latencies go into an HDR histogram (microseconds, 3 significant digits)."""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from hdrh.histogram import HdrHistogram
from yarl import URL

MAX_DURATION_S = 600.0
MAX_RATE = 50_000.0
MAX_USERS = 2_000
MAX_REQUESTS = 3_000_000
HIGHEST_US = 3_600_000_000  # one hour


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class LoadSettings:
    rate: float = 50.0  # requests per second (open model)
    users: int = 0  # > 0: closed model with this many users
    duration_s: float = 10.0
    warmup_s: float = 1.0
    timeout_s: float = 10.0
    max_in_flight: int = 1_000
    max_requests: int = MAX_REQUESTS

    def capped(self) -> LoadSettings:
        return LoadSettings(
            rate=min(max(self.rate, 0.1), MAX_RATE), users=min(max(self.users, 0), MAX_USERS),
            duration_s=min(max(self.duration_s, 0.1), MAX_DURATION_S), warmup_s=min(max(self.warmup_s, 0.0), 60.0),
            timeout_s=min(max(self.timeout_s, 0.1), 120.0), max_in_flight=min(max(self.max_in_flight, 1), 10_000),
            max_requests=min(max(self.max_requests, 1), MAX_REQUESTS),
        )


@dataclass
class Criteria:
    """Default pass criteria of a production-readiness stress test: at least 95 % success, p95 below 5 s,
    p99 below 10 s, errors below 5 %."""

    min_success_rate: float = 0.95
    max_p95_ms: float = 5_000.0
    max_p99_ms: float = 10_000.0
    max_error_rate: float = 0.05

    def judge(self, load: dict[str, Any]) -> list[dict[str, Any]]:
        latency = load.get("latency_ms", {})
        rows = [
            ("success_rate", self.min_success_rate, load.get("success_rate", 0.0), lambda v, t: v >= t),
            ("p95_ms", self.max_p95_ms, latency.get("p95"), lambda v, t: v < t),
            ("p99_ms", self.max_p99_ms, latency.get("p99"), lambda v, t: v < t),
            ("error_rate", self.max_error_rate, load.get("error_rate", 1.0), lambda v, t: v < t),
        ]
        return [{"name": name, "threshold": threshold, "value": value,
                 "passed": value is not None and bool(check(value, threshold))}
                for name, threshold, value, check in rows]


@dataclass
class LoadRecorder:
    started: float  # loop time the measurement (after warm-up) starts
    histogram: HdrHistogram = field(default_factory=lambda: HdrHistogram(1, HIGHEST_US, 3))
    seconds: dict[int, HdrHistogram] = field(default_factory=dict)
    second_counts: dict[int, list[int]] = field(default_factory=dict)  # second -> [requests, errors]
    requests: int = 0
    success: int = 0
    server_errors: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    warmup_requests: int = 0

    def record(self, intended: float, done: float, outcome: int | str) -> None:
        if intended < self.started:
            self.warmup_requests += 1
            return
        micros = max(1, min(int((done - intended) * 1_000_000), HIGHEST_US))
        self.histogram.record_value(micros)
        second = int(intended - self.started)
        bucket = self.seconds.get(second)
        if bucket is None:
            bucket = self.seconds[second] = HdrHistogram(1, HIGHEST_US, 2)
            self.second_counts[second] = [0, 0]
        bucket.record_value(micros)
        counts = self.second_counts[second]
        counts[0] += 1
        self.requests += 1
        if isinstance(outcome, int) and outcome < 400:
            self.success += 1
            return
        key = f"status {outcome}" if isinstance(outcome, int) else outcome
        self.errors[key] = self.errors.get(key, 0) + 1
        if not isinstance(outcome, int) or outcome >= 500:
            self.server_errors += 1
            counts[1] += 1

    def percentile_ms(self, q: float) -> float | None:
        if not self.requests:
            return None
        return round(self.histogram.get_value_at_percentile(q) / 1000, 3)

    def summary(self, elapsed_s: float, settings: LoadSettings, mode: str, routes: list[Request]) -> dict[str, Any]:
        latency = {f"p{q:g}": self.percentile_ms(q) for q in (50, 90, 95, 99)}
        latency["max"] = round(self.histogram.get_max_value() / 1000, 3) if self.requests else None
        latency["mean"] = round(self.histogram.get_mean_value() / 1000, 3) if self.requests else None
        timeline = []
        for second in sorted(self.seconds):
            hist = self.seconds[second]
            count, errors = self.second_counts[second]
            timeline.append({"t": second, "rps": count, "errors": errors,
                             "p50_ms": round(hist.get_value_at_percentile(50) / 1000, 3),
                             "p99_ms": round(hist.get_value_at_percentile(99) / 1000, 3),
                             "max_ms": round(hist.get_max_value() / 1000, 3)})
        return {
            "mode": mode,
            "target_rps": settings.rate if mode == "open" else None,
            "users": settings.users if mode == "closed" else None,
            "duration_s": round(elapsed_s, 3),
            "warmup_s": settings.warmup_s,
            "requests": self.requests,
            "warmup_requests": self.warmup_requests,
            "rps": round(self.requests / elapsed_s, 2) if elapsed_s > 0 else 0.0,
            "success_rate": round(self.success / self.requests, 5) if self.requests else 0.0,
            "error_rate": round(self.server_errors / self.requests, 5) if self.requests else 0.0,
            "errors": dict(sorted(self.errors.items(), key=lambda kv: -kv[1])),
            "latency_ms": latency,
            "coordinated_omission": "corrected (latency from intended send time)" if mode == "open"
            else "not corrected (closed model: latency from actual send)",
            "routes": [f"{r.method} {r.path}" for r in routes],
            "timeline": timeline,
        }


def make_session(settings: LoadSettings) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=settings.max_in_flight, limit_per_host=0, ttl_dns_cache=300,
                                     force_close=False, enable_cleanup_closed=False)
    return aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False,
        timeout=aiohttp.ClientTimeout(total=settings.timeout_s), headers={"User-Agent": "prodready-verify/load"},
    )


async def _send(session: aiohttp.ClientSession, base: str | URL, request: Request) -> int | str:
    """One request; ``base`` may be the prepared URL of the request itself (no per-request parsing)."""
    url = base if isinstance(base, URL) else base + request.path
    try:
        async with session.request(request.method, url, data=request.body,
                                   headers=dict(request.headers) if request.headers else None,
                                   allow_redirects=False) as response:
            await response.read()
            return response.status
    except TimeoutError:
        return "timeout"
    except aiohttp.ServerDisconnectedError:
        return "server disconnected"
    except aiohttp.ClientConnectorError:
        return "connection refused"
    except (aiohttp.ClientError, OSError) as exc:
        return type(exc).__name__


ProgressFn = Callable[[float, LoadRecorder], None]


async def run_load(
    base_url: str,
    routes: list[Request],
    settings: LoadSettings,
    progress: ProgressFn | None = None,
    stop: asyncio.Event | None = None,
) -> dict[str, Any]:
    """Run the test; the summary dict is the JSON `runtime.load` object."""
    if not routes:
        raise ValueError("no routes to load")
    settings = settings.capped()
    base = base_url.rstrip("/")
    loop = asyncio.get_running_loop()
    mode = "closed" if settings.users > 0 else "open"
    t0 = loop.time() + 0.05
    recorder = LoadRecorder(started=t0 + settings.warmup_s)
    end = recorder.started + settings.duration_s
    stop = stop or asyncio.Event()
    rng = random.Random(2)
    ticker = asyncio.ensure_future(_tick(loop, recorder, end, progress)) if progress else None
    async with make_session(settings) as session:
        if mode == "open":
            await _open(loop, session, base, routes, settings, recorder, t0, end, stop, rng)
        else:
            await _closed(loop, session, base, routes, settings, recorder, t0, end, stop, rng)
    if ticker is not None:
        ticker.cancel()
    elapsed = min(loop.time(), end) - recorder.started
    return recorder.summary(max(elapsed, 1e-9), settings, mode, routes)


async def _open(loop: asyncio.AbstractEventLoop, session: aiohttp.ClientSession, base: str, routes: list[Request],
                settings: LoadSettings, recorder: LoadRecorder, t0: float, end: float, stop: asyncio.Event,
                rng: random.Random) -> None:
    interval = 1.0 / settings.rate
    total = min(int((end - t0) * settings.rate), settings.max_requests)
    slots = asyncio.Semaphore(settings.max_in_flight)
    tasks: set[asyncio.Task[None]] = set()

    prepared = {request: URL(base + request.path) for request in routes}

    async def one(intended: float, request: Request) -> None:
        try:
            outcome = await _send(session, prepared[request], request)
            recorder.record(intended, loop.time(), outcome)
        finally:
            slots.release()

    count = len(routes)
    for index in range(total):
        if stop.is_set():
            break
        intended = t0 + index * interval
        delay = intended - loop.time()
        if delay > 0.001:
            await asyncio.sleep(delay)
        await slots.acquire()  # when saturated, waiting here still counts against `intended`
        task = loop.create_task(one(intended, routes[index % count] if count < 2 else routes[rng.randrange(count)]))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks, timeout=settings.timeout_s + 1)
        for task in tasks:
            task.cancel()


async def _closed(loop: asyncio.AbstractEventLoop, session: aiohttp.ClientSession, base: str, routes: list[Request],
                  settings: LoadSettings, recorder: LoadRecorder, t0: float, end: float, stop: asyncio.Event,
                  rng: random.Random) -> None:
    budget = [settings.max_requests]
    prepared = {request: URL(base + request.path) for request in routes}

    async def user(number: int) -> None:
        delay = t0 - loop.time() + number * 0.001
        if delay > 0:
            await asyncio.sleep(delay)
        while loop.time() < end and not stop.is_set() and budget[0] > 0:
            budget[0] -= 1
            request = routes[rng.randrange(len(routes))]
            sent = loop.time()
            outcome = await _send(session, prepared[request], request)
            recorder.record(sent, loop.time(), outcome)

    await asyncio.gather(*(user(n) for n in range(settings.users)))


async def _tick(loop: asyncio.AbstractEventLoop, recorder: LoadRecorder, end: float, progress: ProgressFn) -> None:
    # prodready: ignore[PR-PM-002] progress display only; the task is cancelled when the run ends
    while True:
        await asyncio.sleep(1.0)
        progress(max(0.0, end - loop.time()), recorder)


def terminal_progress(stream: Any = None) -> ProgressFn | None:
    """Live progress on stderr, only when it is a terminal."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None
    started = time.monotonic()

    def show(remaining: float, recorder: LoadRecorder) -> None:
        p99 = recorder.percentile_ms(99)
        ok = recorder.success / recorder.requests * 100 if recorder.requests else 0.0
        stream.write(f"\r  load {time.monotonic() - started:5.1f} s, {remaining:5.1f} s left: {recorder.requests} req, "
                     f"{ok:5.1f} % ok, p99 {p99 if p99 is not None else '-'} ms   ")
        stream.flush()

    return show


def install_uvloop() -> bool:
    try:
        import uvloop
    except ImportError:
        return False
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return True
