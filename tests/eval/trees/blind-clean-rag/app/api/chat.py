"""Chat over HTTP and WebSocket. Every route is authenticated and rate limited."""
from __future__ import annotations

import asyncio
import logging
import time
import uuid

from fastapi import APIRouter, Depends, HTTPException, Request, WebSocket, WebSocketDisconnect, status
from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings, get_settings
from app.datastores import get_session
from app.llm import LLMUnavailable
from app.rag import Answer, ConversationNotFound
from app.security import client_ip, current_user_id, enforce, verify_access_token

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["chat"])

WS_AUTH_TIMEOUT_S = 10
WS_IDLE_TIMEOUT_S = 300
WS_MAX_FRAME_CHARS = 16_000


class ChatRequest(BaseModel):
    message: str = Field(min_length=1, max_length=4000)
    conversation_id: uuid.UUID | None = None

    @field_validator("message")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("message must not be blank")
        return value


class ChatResponse(BaseModel):
    conversation_id: uuid.UUID
    answer: str
    sources: list[str]


def _to_response(answer: Answer) -> ChatResponse:
    return ChatResponse(conversation_id=answer.conversation_id, answer=answer.content, sources=answer.sources)


@router.post("/chat", response_model=ChatResponse)
async def chat(
    body: ChatRequest,
    request: Request,
    user_id: uuid.UUID = Depends(current_user_id),
    session: AsyncSession = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> ChatResponse:
    await enforce(request.app.state.limiter, "chat", str(user_id), settings.RATE_LIMIT_CHAT_PER_MIN)
    try:
        answer = await request.app.state.rag.answer(session, user_id, body.message, body.conversation_id)
    except ConversationNotFound:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Conversation not found")
    except (LLMUnavailable, TimeoutError):
        logger.warning("answer unavailable", exc_info=True)
        raise HTTPException(status_code=status.HTTP_503_SERVICE_UNAVAILABLE, detail="Model temporarily unavailable")
    return _to_response(answer)


@router.websocket("/ws/chat")
async def chat_socket(websocket: WebSocket, settings: Settings = Depends(get_settings)) -> None:
    origin = websocket.headers.get("origin")
    # Browsers do not apply CORS to WebSockets, so the allow-list is checked here.
    if origin is not None and origin.rstrip("/") not in settings.allowed_origins:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    app = websocket.app
    try:
        await enforce(app.state.limiter, "ws-connect", client_ip(websocket), settings.RATE_LIMIT_CHAT_PER_MIN)
    except HTTPException:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await websocket.accept()

    # The token travels in the first frame, not the URL, so it never lands in access logs.
    try:
        first = await asyncio.wait_for(websocket.receive_json(), timeout=WS_AUTH_TIMEOUT_S)
        token = first.get("token") if isinstance(first, dict) else None
    except (asyncio.TimeoutError, ValueError, WebSocketDisconnect):
        token = None
    verified = verify_access_token(token, settings) if isinstance(token, str) else None
    if verified is None:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    user_id, expires_at = verified

    try:
        while True:
            raw = await asyncio.wait_for(websocket.receive_text(), timeout=WS_IDLE_TIMEOUT_S)
            if time.time() >= expires_at:
                # The socket lives no longer than the token that opened it.
                await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason="token expired")
                return
            if len(raw) > WS_MAX_FRAME_CHARS:
                await websocket.close(code=status.WS_1009_MESSAGE_TOO_BIG)
                return
            try:
                request = ChatRequest.model_validate_json(raw)
            except ValidationError as exc:
                await websocket.send_json({"type": "error", "error": "invalid_message",
                                           "detail": exc.errors(include_url=False, include_input=False)})
                continue
            try:
                await enforce(app.state.limiter, "chat", str(user_id), settings.RATE_LIMIT_CHAT_PER_MIN)
            except HTTPException as exc:
                await websocket.send_json({"type": "error", "error": "rate_limited", "status": exc.status_code})
                continue
            async with app.state.stores.session_factory() as session:
                try:
                    answer = await app.state.rag.answer(session, user_id, request.message, request.conversation_id)
                except ConversationNotFound:
                    await websocket.send_json({"type": "error", "error": "conversation_not_found"})
                    continue
                except (LLMUnavailable, TimeoutError):
                    logger.warning("answer unavailable", exc_info=True)
                    await websocket.send_json({"type": "error", "error": "model_unavailable"})
                    continue
            await websocket.send_json({"type": "answer", **_to_response(answer).model_dump(mode="json")})
    except asyncio.TimeoutError:
        await websocket.close(code=status.WS_1000_NORMAL_CLOSURE, reason="idle")
    except WebSocketDisconnect:
        logger.info("websocket closed by client")
