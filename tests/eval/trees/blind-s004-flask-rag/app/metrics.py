import threading
from collections import defaultdict


class MetricsCollector:
    """In-process counters and latency samples, exposed on /metrics/summary."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counters: dict[str, int] = defaultdict(int)
        self._timings: dict[str, list[float]] = defaultdict(list)

    def incr(self, name: str, by: int = 1) -> None:
        with self._lock:
            self._counters[name] += by

    def record(self, name: str, seconds: float) -> None:
        with self._lock:
            self._counters[f"{name}.count"] += 1
            self._timings[name].append(seconds)

    def summary(self) -> dict:
        with self._lock:
            timings = {k: sorted(v) for k, v in self._timings.items()}
            counters = dict(self._counters)
        out = {"counters": counters, "timings": {}}
        for name, values in timings.items():
            if not values:
                continue
            out["timings"][name] = {
                "count": len(values),
                "p50": values[len(values) // 2],
                "p95": values[min(len(values) - 1, int(len(values) * 0.95))],
                "max": values[-1],
            }
        return out


metrics = MetricsCollector()
