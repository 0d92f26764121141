"""HTTP side-car for the monitoring dashboard: health, semaphores, metrics."""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from .sessions import SessionManager

logger = logging.getLogger(__name__)

SEMAPHORE_ACQUIRED = Counter("exai_semaphore_acquired_total", "Provider semaphore acquisitions", ["provider"])
SEMAPHORE_RELEASED = Counter("exai_semaphore_released_total", "Provider semaphore releases", ["provider"])
SEMAPHORE_EXHAUSTED = Counter("exai_semaphore_exhausted_total", "Calls that found a provider at capacity", ["provider"])
TOOL_CALLS = Counter("exai_tool_calls_total", "Tool calls by outcome", ["tool", "session_id", "outcome"])
TOOL_LATENCY = Histogram(
    "exai_tool_latency_seconds",
    "Tool call latency",
    ["tool"],
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300),
)
INFLIGHT = Gauge("exai_inflight_requests", "Tool calls currently running")

HIGH_UTILISATION = 0.8


@dataclass
class MonitorState:
    started_at: float
    sessions: SessionManager
    provider_sems: dict[str, asyncio.Semaphore]
    inflight: set[str]
    per_provider_limit: int


@web.middleware
async def cors_middleware(request: web.Request, handler):
    if request.method == "OPTIONS":
        response = web.Response(status=204)
    else:
        response = await handler(request)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "*"
    return response


async def health(request: web.Request) -> web.Response:
    state: MonitorState = request.app["state"]
    return web.json_response({"status": "ok", "uptime_s": round(time.time() - state.started_at, 1)})


async def semaphores(request: web.Request) -> web.Response:
    state: MonitorState = request.app["state"]
    report: dict[str, Any] = {}
    worst = "ok"
    for provider, sem in state.provider_sems.items():
        available = sem._value  # asyncio.Semaphore has no public accessor
        in_use = state.per_provider_limit - available
        utilisation = in_use / state.per_provider_limit
        status = "ok"
        if available == 0:
            status = "critical"
            logger.critical("provider %s semaphore exhausted (%d/%d in use)", provider, in_use, state.per_provider_limit)
        elif utilisation >= HIGH_UTILISATION:
            status = "warning"
            logger.warning("provider %s semaphore at %.0f%%", provider, utilisation * 100)
        if status == "critical" or (status == "warning" and worst == "ok"):
            worst = status
        report[provider] = {"in_use": in_use, "limit": state.per_provider_limit, "status": status}
    return web.json_response({"status": worst, "providers": report, "inflight": len(state.inflight)})


async def sessions(request: web.Request) -> web.Response:
    state: MonitorState = request.app["state"]
    return web.json_response({"count": len(state.sessions), "sessions": state.sessions.snapshot()})


async def metrics(request: web.Request) -> web.Response:
    state: MonitorState = request.app["state"]
    INFLIGHT.set(len(state.inflight))
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})


def build_app(state: MonitorState) -> web.Application:
    app = web.Application(middlewares=[cors_middleware])
    app["state"] = state
    app.router.add_get("/health", health)
    app.router.add_get("/health/semaphores", semaphores)
    app.router.add_get("/sessions", sessions)
    app.router.add_get("/metrics", metrics)
    return app


async def start(state: MonitorState, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(build_app(state), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    logger.info("monitoring listening on http://%s:%d", host, port)
    return runner
