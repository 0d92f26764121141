"""WebSocket daemon.

Protocol (JSON text frames):
  -> {"op": "hello", "token": "...", "session_id": optional, "client_info": {...}}
  <- {"op": "hello_ack", "ok": true, "session_id": "..."}
  -> {"op": "call_tool", "request_id": "...", "name": "chat", "arguments": {...}}
  <- {"op": "call_tool_res", "request_id": "...", "result": {...}} | {"...", "error": {...}}
  -> {"op": "list_tools"}
"""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import websockets
from websockets.exceptions import ConnectionClosed

from . import monitoring
from .config import Settings, load_settings
from .sessions import Session, SessionManager
from .singletons import get_storage
from .tools import TOOLS, ToolError

_global_sem: asyncio.Semaphore | None = None
_provider_sems: dict[str, asyncio.Semaphore] = {}
_inflight_reqs: set[str] = set()


def _provider_sem(provider: str, limit: int) -> asyncio.Semaphore:
    # No await between lookup and insert, so this is safe on the event loop.
    sem = _provider_sems.get(provider)
    if sem is None:
        sem = asyncio.Semaphore(limit)
        _provider_sems[provider] = sem
    return sem


async def _send(ws, payload: dict[str, Any]) -> None:
    try:
        await ws.send(json.dumps(payload))
    except ConnectionClosed:
        print(f"[WS] dropped {payload.get('op')} for closed connection")


async def _handle_call(ws, session: Session, msg: dict[str, Any], settings: Settings) -> None:
    req_id = str(msg.get("request_id") or uuid.uuid4().hex)
    name = msg.get("name")
    arguments = msg.get("arguments") or {}
    if not isinstance(arguments, dict):
        raise ToolError("'arguments' must be an object")
    tool = TOOLS[name]

    if req_id in _inflight_reqs:
        await _send(ws, {"op": "call_tool_res", "request_id": req_id,
                         "error": {"code": "DUPLICATE", "message": "request_id already in flight"}})
        return
    _inflight_reqs.add(req_id)

    provider = tool.provider_for(arguments)
    psem = _provider_sem(provider, settings.max_per_provider)
    if psem.locked():
        monitoring.SEMAPHORE_EXHAUSTED.labels(provider=provider).inc()

    started = time.monotonic()
    async with _global_sem:
        await psem.acquire()
        monitoring.SEMAPHORE_ACQUIRED.labels(provider=provider).inc()
        result = await asyncio.wait_for(tool.run(arguments), timeout=600)
        psem.release()
        monitoring.SEMAPHORE_RELEASED.labels(provider=provider).inc()
    _inflight_reqs.discard(req_id)

    monitoring.TOOL_LATENCY.labels(tool=name).observe(time.monotonic() - started)
    monitoring.TOOL_CALLS.labels(tool=name, session_id=session.id, outcome="ok").inc()
    await _send(ws, {"op": "call_tool_res", "request_id": req_id, "result": result})
    await get_storage().save_turn(session.id, name, arguments, result)


async def _dispatch(ws, session: Session, msg: dict[str, Any], settings: Settings) -> None:
    req_id = msg.get("request_id")
    try:
        await _handle_call(ws, session, msg, settings)
    except ToolError as exc:
        await _send(ws, {"op": "call_tool_res", "request_id": req_id,
                         "error": {"code": "INVALID_ARGUMENTS", "message": str(exc)}})
    except asyncio.TimeoutError:
        await _send(ws, {"op": "call_tool_res", "request_id": req_id,
                         "error": {"code": "TIMEOUT", "message": "tool call timed out"}})
    except Exception as exc:
        await _send(ws, {"op": "call_tool_res", "request_id": req_id,
                         "error": {"code": "INTERNAL", "message": str(exc)}})


async def _hello(ws, settings: Settings, sessions: SessionManager) -> Session | None:
    raw = await asyncio.wait_for(ws.recv(), timeout=settings.hello_timeout_secs)
    try:
        hello = json.loads(raw)
    except (TypeError, json.JSONDecodeError):
        await ws.close(code=4002, reason="hello must be JSON")
        return None
    if not isinstance(hello, dict) or hello.get("op") != "hello":
        await ws.close(code=4002, reason="expected hello")
        return None

    if settings.auth_token and hello.get("token") != settings.auth_token:
        await _send(ws, {"op": "hello_ack", "ok": False, "error": "unauthorized"})
        await ws.close(code=4003, reason="unauthorized")
        return None

    session = None
    if hello.get("session_id"):
        session = sessions.resume(str(hello["session_id"]))
    if session is None:
        client_info = hello.get("client_info") if isinstance(hello.get("client_info"), dict) else {}
        session = sessions.create(client_info)
    await _send(ws, {"op": "hello_ack", "ok": True, "session_id": session.id})
    return session


async def _serve_connection(ws, settings: Settings, sessions: SessionManager) -> None:
    peer = ws.remote_address
    print(f"[WS] connection from {peer}")
    try:
        session = await _hello(ws, settings, sessions)
        if session is None:
            return
        async for raw in ws:
            try:
                msg = json.loads(raw)
            except json.JSONDecodeError:
                await _send(ws, {"op": "error", "error": {"code": "BAD_JSON", "message": "invalid JSON"}})
                continue
            op = msg.get("op") if isinstance(msg, dict) else None
            if op == "call_tool":
                sessions.record_call(session.id)
                asyncio.create_task(_dispatch(ws, session, msg, settings))
            elif op == "list_tools":
                await _send(ws, {"op": "list_tools_res",
                                 "tools": [{"name": t.name, "description": t.description} for t in TOOLS.values()]})
            else:
                await _send(ws, {"op": "error", "error": {"code": "UNKNOWN_OP", "message": f"unknown op {op!r}"}})
    except asyncio.TimeoutError:
        print(f"[WS] {peer} did not say hello in time")
        await ws.close(code=4001, reason="hello timeout")
    except ConnectionClosed:
        pass
    except Exception as exc:
        print(f"[WS] connection {peer} failed: {exc}")
    finally:
        print(f"[WS] connection from {peer} closed")


async def serve(settings: Settings) -> None:
    global _global_sem
    _global_sem = asyncio.Semaphore(settings.max_concurrency)
    sessions = SessionManager()

    state = monitoring.MonitorState(
        started_at=time.time(),
        sessions=sessions,
        provider_sems=_provider_sems,
        inflight=_inflight_reqs,
        per_provider_limit=settings.max_per_provider,
    )
    await monitoring.start(state, settings.host, settings.monitor_port)

    async with websockets.serve(
        lambda ws: _serve_connection(ws, settings, sessions),
        settings.host,
        settings.port,
        max_size=None,
        ping_interval=None,
    ):
        print(f"[WS] EXAI daemon listening on ws://{settings.host}:{settings.port}")
        await asyncio.Future()


def main() -> None:
    settings = load_settings()
    asyncio.run(serve(settings))
