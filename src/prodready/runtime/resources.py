"""Sample a process tree's RSS, open file descriptors and threads while traffic runs, and judge
growth: a least-squares slope, and whether the growth levels off."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import psutil

# Growth smaller than this over the run is noise (allocator warm-up, caches filling).
MIN_GROWTH = {"rss": 16 * 1024 * 1024, "fds": 20, "threads": 10}


@dataclass
class Sample:
    t: float
    rss: int
    fds: int
    threads: int
    processes: int

    def to_json(self) -> dict[str, Any]:
        return {"t": round(self.t, 3), "rss": self.rss, "fds": self.fds, "threads": self.threads,
                "processes": self.processes}


def sample_tree(pid: int) -> tuple[int, int, int, int] | None:
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return None
    rss = fds = threads = alive = 0
    for proc in procs:
        try:
            with proc.oneshot():
                rss += proc.memory_info().rss
                threads += proc.num_threads()
                try:
                    fds += proc.num_fds()
                except (AttributeError, psutil.AccessDenied):
                    pass
            alive += 1
        except psutil.Error:
            continue
    return (rss, fds, threads, alive) if alive else None


@dataclass
class Sampler:
    pid: int
    interval_s: float = 0.25
    samples: list[Sample] = field(default_factory=list)
    marks: dict[str, float] = field(default_factory=dict)  # phase name -> t (load start, ...)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _t0: float = 0.0

    def start(self) -> None:
        self._t0 = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="prodready-sampler", daemon=True)
        self._thread.start()

    def mark(self, name: str) -> None:
        self.marks[name] = round(time.monotonic() - self._t0, 3)

    def _run(self) -> None:
        # prodready: ignore[PR-PM-002] sample_tree() returns None on every psutil error; nothing else here raises
        while not self._stop.is_set():
            found = sample_tree(self.pid)
            if found is not None:
                rss, fds, threads, alive = found
                self.samples.append(Sample(time.monotonic() - self._t0, rss, fds, threads, alive))
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares slope and R² of y over x."""
    n = len(points)
    if n < 2:
        return 0.0, 0.0
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    sxx = sum((p[0] - mx) ** 2 for p in points)
    sxy = sum((p[0] - mx) * (p[1] - my) for p in points)
    syy = sum((p[1] - my) ** 2 for p in points)
    if sxx == 0:
        return 0.0, 0.0
    slope = sxy / sxx
    r2 = (sxy * sxy) / (sxx * syy) if syy else 0.0
    return slope, r2


def judge(samples: list[Sample], start_t: float = 0.0, min_growth: dict[str, float] | None = None) -> dict[str, dict[str, Any]]:
    """Per metric: first, last, slope per second, R², growth, and a verdict.

    Growth is *unbounded* when it exceeds the metric's noise floor, the fit is steady (R² ≥ 0.6)
    and the last third of the run still grows at least half as fast as the first third."""
    floors = {**MIN_GROWTH, **(min_growth or {})}
    window = [s for s in samples if s.t >= start_t] or samples
    result: dict[str, dict[str, Any]] = {}
    for name in ("rss", "fds", "threads"):
        points = [(s.t, float(getattr(s, name))) for s in window]
        if len(points) < 6:
            result[name] = {"first": points[0][1] if points else None, "last": points[-1][1] if points else None,
                            "slope_per_s": 0.0, "r2": 0.0, "growth": 0.0, "verdict": "too few samples"}
            continue
        slope, r2 = fit(points)
        third = max(2, len(points) // 3)
        early, _ = fit(points[:third])
        late, _ = fit(points[-third:])
        growth = points[-1][1] - points[0][1]
        duration = points[-1][0] - points[0][0]
        levelled = early > 0 and late < early * 0.5
        if growth >= floors[name] and slope * duration >= floors[name] and r2 >= 0.6 and not levelled:
            verdict = "unbounded growth"
        elif growth >= floors[name] and levelled:
            verdict = "grew, then levelled off"
        else:
            verdict = "stable"
        result[name] = {"first": int(points[0][1]), "last": int(points[-1][1]), "slope_per_s": round(slope, 3),
                        "r2": round(r2, 3), "growth": int(growth), "duration_s": round(duration, 2),
                        "early_slope_per_s": round(early, 3), "late_slope_per_s": round(late, 3), "verdict": verdict}
    return result
