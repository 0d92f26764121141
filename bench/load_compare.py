"""`make bench` (load part): prodready's generator vs wrk vs Locust on the same local uvicorn server.

1. Saturation: each tool as fast as it can (closed loop, 50 connections/users, one process each):
   requests per second and the ratio to Locust and wrk (all single-process: per-core figures).
2. Latency agreement at equal load: prodready's open model at a fixed rate (half of the slowest tool's maximum)
   next to Locust paced to the same rate (constant_throughput) and wrk paced by a Lua delay().
wrk (Debian package) and Locust are optional: missing ones are skipped with a message.
"""

from __future__ import annotations

import asyncio
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from prodready.runtime import locust_mode  # noqa: E402
from prodready.runtime.load import LoadSettings, Request, run_load  # noqa: E402

DURATION = float(os.environ.get("PRODREADY_BENCH_LOAD_S", "8"))
CONNECTIONS = 50
PATH = "/item"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def start_server(port: int) -> subprocess.Popen[bytes]:
    import importlib.util

    fast = ["--http", "httptools"] if importlib.util.find_spec("httptools") else []
    fast += ["--loop", "uvloop"] if importlib.util.find_spec("uvloop") else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "load_app:app", "--port", str(port), "--log-level", "warning",
         "--no-access-log", "--workers", "1", *fast],
        cwd=Path(__file__).parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    import urllib.request

    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{PATH}", timeout=1).read()
            return proc
        except OSError:
            time.sleep(0.05)
    raise SystemExit("bench server did not start")


def run_ours(url: str, settings: LoadSettings) -> dict[str, float]:
    cpu = _cpu(resource.RUSAGE_SELF)
    try:
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            load = runner.run(run_load(url, [Request("GET", PATH)], settings))
    except ImportError:
        load = asyncio.run(run_load(url, [Request("GET", PATH)], settings))
    lat = load["latency_ms"]
    used = _cpu(resource.RUSAGE_SELF) - cpu
    return {"rps": load["rps"], "p50": lat["p50"], "p99": lat["p99"], "errors": 1 - load["success_rate"],
            "cpu_s": used, "per_cpu_s": (load["requests"] + load["warmup_requests"]) / used if used else 0.0}


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(url: str, connections: int, seconds: float, rate: float | None = None) -> dict[str, float] | None:
    """wrk; with ``rate``, each connection waits connections/rate between requests (a Lua delay())."""
    if shutil.which("wrk") is None:
        return None
    cpu = _cpu(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp:
        script = []
        if rate:
            Path(tmp, "pace.lua").write_text(f"function delay()\n  return {connections * 1000 / rate:.3f}\nend\n")
            script = ["-s", str(Path(tmp, "pace.lua"))]
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--latency", *script, url + PATH],
                             capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    lat = {}
    for pct, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        lat[pct] = float(value) * _UNITS[unit]
    used = _cpu(resource.RUSAGE_CHILDREN) - cpu
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p50": lat.get("50", float("nan")), "p99": lat.get("99", float("nan")), "errors": 0.0,
            "cpu_s": used, "per_cpu_s": total / used if used else 0.0}


def run_locust(url: str, users: int, seconds: float, rate: float | None) -> dict[str, float] | None:
    if not locust_mode.available():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        per_user = rate / users if rate else None
        locustfile = locust_mode.write_locustfile(Path(tmp), [Request("GET", PATH)], per_user)
        prefix = Path(tmp) / "stats"
        cpu = _cpu(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "--host", url,
                        "-u", str(users), "-r", str(users), "-t", f"{int(seconds)}s", "--csv", str(prefix),
                        "--only-summary", "--skip-log-setup"], capture_output=True, timeout=seconds + 60, cwd=tmp)
        used = _cpu(resource.RUSAGE_CHILDREN) - cpu
        summary = locust_mode.summarise(Path(f"{prefix}_stats.csv"), LoadSettings(users=users), users, 0)
    lat = summary["latency_ms"]
    return {"rps": summary["rps"], "p50": lat["p50"] or float("nan"), "p99": lat["p99"] or float("nan"),
            "errors": summary["error_rate"], "cpu_s": used, "per_cpu_s": summary["requests"] / used if used else 0.0}


def row(name: str, result: dict[str, float] | None) -> str:
    if result is None:
        return f"  {name:34} skipped (not installed)"
    return (f"  {name:34} {result['rps']:9.0f} req/s   p50 {result['p50']:8.2f} ms   p99 {result['p99']:8.2f} ms"
            f"   errors {result['errors'] * 100:.1f} %   {result.get('per_cpu_s', 0):7.0f} req per CPU-s")


def main() -> int:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(port)
    print(f"load generators against one uvicorn worker at {url}{PATH}, {os.cpu_count()} cores, {DURATION:g} s each")
    try:
        print("1. saturation (closed loop, 50 connections/users, one process each)")
        ours = run_ours(url, LoadSettings(users=CONNECTIONS, duration_s=DURATION, warmup_s=1.0))
        print(row("prodready (aiohttp, closed)", ours))
        wrk = run_wrk(url, CONNECTIONS, DURATION)
        print(row("wrk -t1 -c50", wrk) if wrk else "  wrk                                skipped: `apt-get install wrk`")
        locust = run_locust(url, CONNECTIONS, DURATION, None)
        print(row("Locust FastHttpUser (1 process)", locust))
        for name, other in (("Locust", locust), ("wrk", wrk)):
            if other:
                print(f"  prodready / {name:6} = {ours['rps'] / other['rps']:.2f}x req/s, "
                      f"{ours['per_cpu_s'] / other['per_cpu_s']:.2f}x requests per CPU-second (per core)"
                      + ("  (target >= 1.2x)" if name == "Locust" else ""))
        # Half of the slowest tool's maximum: every tool can deliver it, the server is not saturated.
        rate = max(10.0, round(min(r["rps"] for r in (ours, wrk, locust) if r) * 0.5, -1))
        print(f"2. latency at equal load ({rate:.0f} req/s, half of the slowest tool's maximum)")
        open_model = run_ours(url, LoadSettings(rate=rate, duration_s=DURATION, warmup_s=1.0))
        print(row(f"prodready open model {rate:.0f}/s", open_model))
        paced = run_locust(url, CONNECTIONS, DURATION, rate)
        print(row(f"Locust paced to {rate:.0f}/s", paced))
        low = run_wrk(url, 10, DURATION, rate)
        print(row(f"wrk -c10 paced to {rate:.0f}/s", low) if low else "  wrk                                skipped")
        for name, other in (("Locust", paced), ("wrk", low)):
            if other and other["p50"] == other["p50"]:
                print(f"  p50 prodready/{name} = {open_model['p50'] / other['p50']:.2f}, "
                      f"p99 prodready/{name} = {open_model['p99'] / other['p99']:.2f}")
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
