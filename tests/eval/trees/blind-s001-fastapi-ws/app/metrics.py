"""Lightweight in-process service statistics shown on the admin dashboard."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field


@dataclass
class ServiceStats:
    started_at: float = field(default_factory=time.time)
    connections_opened: int = 0
    connections_closed: int = 0
    messages_received: int = 0
    messages_rate_limited: int = 0
    llm_errors: int = 0
    response_times: list[float] = field(default_factory=list)

    def record_response_time(self, seconds: float) -> None:
        self.response_times.append(seconds)

    def summary(self) -> dict:
        times = sorted(self.response_times)
        summary = {
            "uptime_seconds": round(time.time() - self.started_at, 1),
            "connections_opened": self.connections_opened,
            "connections_closed": self.connections_closed,
            "connections_open": self.connections_opened - self.connections_closed,
            "messages_received": self.messages_received,
            "messages_rate_limited": self.messages_rate_limited,
            "llm_errors": self.llm_errors,
            "responses": len(times),
        }
        if times:
            summary["response_time_avg"] = round(statistics.fmean(times), 3)
            summary["response_time_p50"] = round(times[len(times) // 2], 3)
            summary["response_time_p95"] = round(times[min(len(times) - 1, int(len(times) * 0.95))], 3)
        return summary
