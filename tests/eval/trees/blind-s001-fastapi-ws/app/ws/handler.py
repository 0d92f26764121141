"""WebSocket chat endpoint.

Protocol (JSON text frames):

client -> server
    {"type": "chat", "content": "..."}
    {"type": "switch_session", "session_id": "..."}
    {"type": "ping"}

server -> client
    {"type": "session", "session_id": "...", "model": "..."}
    {"type": "start"} / {"type": "delta", "content": "..."} / {"type": "end"}
    {"type": "error", "code": "...", ...}
    {"type": "pong"}
"""
from __future__ import annotations

import asyncio
import json
import logging
import time

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect, status

from app.auth.tokens import TokenError, decode_ws_token
from app.llm.client import LLMError
from app.llm.prompts import build_chat_messages, build_title_messages
from app.ws.connection import Connection, SlowConsumer
from app.ws.hub import TooManyConnections

logger = logging.getLogger(__name__)

router = APIRouter()


async def _set_title(state, session_id: str, first_message: str) -> None:
    settings = state.settings
    try:
        title = await state.llm.complete(settings.llm_default_model, build_title_messages(first_message))
    except LLMError as exc:
        logger.warning(
            "could not generate session title",
            extra={"session_id": session_id, "status": exc.status_code, "error": str(exc)},
        )
        return
    await state.session_repo.set_title(session_id, title.strip().strip('"'))


async def run_chat_turn(state, conn: Connection, content: str) -> None:
    settings = state.settings
    started = time.monotonic()
    session = state.sessions.get(conn.session_id)
    model = session.model if session else settings.llm_default_model

    history = await state.message_repo.recent(conn.session_id, settings.session_history_messages)
    await state.message_repo.save(conn.session_id, "user", content)
    messages = build_chat_messages(
        settings.llm_system_prompt, history, content, settings.session_history_chars
    )

    parts: list[str] = []
    try:
        conn.send_json({"type": "start"})
        async for delta in state.llm.stream_chat(model, messages):
            parts.append(delta)
            conn.send_json({"type": "delta", "content": delta})
    except LLMError as exc:
        state.stats.llm_errors += 1
        logger.warning(
            "llm stream failed",
            extra={"conn_id": conn.id, "model": model, "status": exc.status_code, "error": str(exc)},
        )
        conn.send_json({"type": "error", "code": "llm_unavailable"})
        return
    except SlowConsumer:
        logger.info("client stopped reading mid-stream", extra={"conn_id": conn.id})
        return

    reply = "".join(parts)
    await state.message_repo.save(conn.session_id, "assistant", reply, model=model)
    conn.send_json({"type": "end"})
    state.stats.record_response_time(time.monotonic() - started)
    state.sessions.touch(conn.session_id, len(reply))

    if session is not None and not session.titled:
        session.titled = True
        await _set_title(state, session.id, content)


@router.websocket("/ws/chat")
async def chat_socket(
    websocket: WebSocket,
    token: str = Query(...),
    model: str | None = Query(default=None, max_length=64),
) -> None:
    state = websocket.app.state
    settings = state.settings

    origin = websocket.headers.get("origin")
    if not state.origins.is_allowed(origin):
        logger.info("rejected websocket origin", extra={"origin": origin})
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return

    try:
        claims = decode_ws_token(settings, token)
    except TokenError as exc:
        logger.info("rejected websocket token", extra={"reason": str(exc)})
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return

    chosen_model = model or settings.llm_default_model
    if chosen_model not in settings.llm_allowed_models:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason="model not allowed")
        return

    await websocket.accept()
    conn = Connection(websocket, claims["sub"], claims.get("name", ""), settings.ws_send_queue_size)
    try:
        state.hub.register(conn)
    except TooManyConnections:
        await websocket.close(code=status.WS_1013_TRY_AGAIN_LATER, reason="too many connections")
        return
    conn.start_writer()
    state.stats.connections_opened += 1

    session = state.sessions.start(conn.user_id, chosen_model, conn.id)
    conn.session_id = session.id
    await state.session_repo.create(session.id, conn.user_id, chosen_model)
    conn.send_json({"type": "session", "session_id": session.id, "model": chosen_model})
    logger.info(
        "websocket opened",
        extra={"conn_id": conn.id, "user_id": conn.user_id, "session_id": session.id},
    )

    try:
        while True:
            raw = await websocket.receive_text()
            state.stats.messages_received += 1
            frame = json.loads(raw)
            kind = frame.get("type")

            if kind == "ping":
                conn.send_json({"type": "pong"})

            elif kind == "chat":
                decision = state.limiter.check(conn.user_id)
                if not decision.allowed:
                    state.stats.messages_rate_limited += 1
                    conn.send_json(
                        {
                            "type": "error",
                            "code": "rate_limited",
                            "retry_after": round(decision.retry_after, 1),
                        }
                    )
                    continue
                content = str(frame.get("content", "")).strip()
                if not content:
                    conn.send_json({"type": "error", "code": "empty_message"})
                    continue
                asyncio.create_task(run_chat_turn(state, conn, content))

            elif kind == "switch_session":
                target = frame.get("session_id")
                if not isinstance(target, str) or await state.session_repo.get(target) is None:
                    conn.send_json({"type": "error", "code": "unknown_session"})
                    continue
                conn.session_id = target
                conn.send_json({"type": "session", "session_id": target})

            else:
                conn.send_json({"type": "error", "code": "unsupported_type"})

    except WebSocketDisconnect as exc:
        logger.info("websocket closed by client", extra={"conn_id": conn.id, "code": exc.code})
    except SlowConsumer:
        pass
    except Exception:
        await conn.close(code=status.WS_1011_INTERNAL_ERROR)
    finally:
        state.hub.unregister(conn)
        state.sessions.end(session.id, conn.id)
        state.stats.connections_closed += 1
        await state.session_repo.mark_ended(session.id)
        await conn.close()
