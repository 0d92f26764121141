import logging
import uuid

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from app.core.database import get_async_session
from app.services import llm
from app.services.memory import redis_memory_service
from app.services.retriever import retrieve
from app.tasks.analytics import record_query

router = APIRouter()
logger = logging.getLogger(__name__)

active_connections: dict[str, WebSocket] = {}

SMALLTALK_REPLY = "Hi! Ask me anything about the profiles in this workspace."


@router.get("/conversations/{session_id}/history")
async def conversation_history(session_id: str):
    history = await redis_memory_service.full_history(session_id)
    return {"session_id": session_id, "messages": history}


@router.websocket("/ws/chat")
async def websocket_chat(websocket: WebSocket):
    await websocket.accept()
    connection_id = str(uuid.uuid4())
    active_connections[connection_id] = websocket
    logger.info("websocket connected", extra={"connection_id": connection_id})

    try:
        while True:
            data = await websocket.receive_json()
            session_id = data.get("session_id") or connection_id
            query_to_process = data.get("message")
            source_filter = data.get("source")

            route = await llm.classify_query(query_to_process)
            if route == "smalltalk":
                await websocket.send_json({"type": "answer", "content": SMALLTALK_REPLY, "done": True})
                continue

            history = await redis_memory_service.get_history(session_id)
            async with get_async_session() as session:
                context = await retrieve(session, query_to_process, source=source_filter)

            answer_parts: list[str] = []
            try:
                async for token in llm.generate_answer(query_to_process, context, history):
                    answer_parts.append(token)
                    await websocket.send_json({"type": "token", "content": token})
            except Exception as e:
                await websocket.send_json({"type": "error", "detail": str(e)})
                continue

            answer = "".join(answer_parts)
            await websocket.send_json({"type": "answer", "content": answer, "done": True})
            await redis_memory_service.append_message(session_id, "user", query_to_process)
            await redis_memory_service.append_message(session_id, "assistant", answer)
            record_query.delay(session_id=session_id, route=route, context_chunks=len(context))
    except WebSocketDisconnect:
        active_connections.pop(connection_id, None)
        logger.info("websocket disconnected", extra={"connection_id": connection_id})
