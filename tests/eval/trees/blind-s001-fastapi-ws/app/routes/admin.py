"""Operator endpoints: statistics, session management, origin allow-list."""
from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pymongo.errors import DuplicateKeyError

from app.auth.deps import get_current_user, require_admin
from app.auth.passwords import hash_password
from app.db.repositories import User
from app.models import BroadcastRequest, CreateUserRequest, MeResponse, OriginUpdate

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/stats")
async def stats(request: Request, admin: User = Depends(require_admin)) -> dict:
    state = request.app.state
    return {
        **state.stats.summary(),
        "sessions_active": state.sessions.active_count(),
        "ws_connections": state.hub.count(),
        "rate_limiter_keys": state.limiter.tracked_keys(),
    }


@router.get("/sessions")
async def list_sessions(
    request: Request,
    limit: int = Query(50, ge=1),
    offset: int = Query(0, ge=0),
    admin: User = Depends(require_admin),
) -> dict:
    state = request.app.state
    docs = await state.session_repo.list_recent(limit, offset)
    items = []
    for doc in docs:
        message_count = await state.message_repo.count_for_session(doc["_id"])
        owner = await state.users.by_id(doc["user_id"])
        items.append(
            {
                "id": doc["_id"],
                "user": owner.username if owner else None,
                "model": doc.get("model"),
                "title": doc.get("title"),
                "started_at": doc.get("started_at"),
                "ended_at": doc.get("ended_at"),
                "messages": message_count,
            }
        )
    return {"items": items, "total": await state.session_repo.count()}


@router.get("/sessions/{session_id}/messages")
async def session_transcript(
    session_id: str,
    request: Request,
    user: User = Depends(get_current_user),
) -> dict:
    state = request.app.state
    session = await state.session_repo.get(session_id)
    if session is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "session not found")
    messages = await state.message_repo.all_for_session(session_id)
    return {
        "session": {"id": session["_id"], "user_id": session["user_id"], "title": session.get("title")},
        "messages": [
            {"role": m["role"], "content": m["content"], "created_at": m["created_at"]} for m in messages
        ],
    }


@router.delete("/sessions/{session_id}")
async def close_session(session_id: str, request: Request, admin: User = Depends(require_admin)) -> dict:
    state = request.app.state
    closed = await state.hub.kick_session(session_id, "closed by administrator")
    await state.session_repo.mark_ended(session_id)
    logger.info(
        "admin closed session",
        extra={"admin": admin.username, "session_id": session_id, "connections": closed},
    )
    return {"closed_connections": closed}


@router.get("/origins")
async def list_origins(request: Request, admin: User = Depends(require_admin)) -> dict:
    return {"origins": request.app.state.origins.current()}


@router.post("/origins", status_code=status.HTTP_201_CREATED)
async def add_origin(body: OriginUpdate, request: Request, admin: User = Depends(require_admin)) -> dict:
    state = request.app.state
    await state.origin_repo.add(body.origin, added_by=admin.username)
    total = await state.origins.reload()
    logger.info("origin added", extra={"admin": admin.username, "origin": body.origin})
    return {"origin": body.origin, "total": total}


@router.delete("/origins")
async def remove_origin(body: OriginUpdate, request: Request, admin: User = Depends(require_admin)) -> dict:
    state = request.app.state
    removed = await state.origin_repo.remove(body.origin)
    if not removed:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "origin not found")
    total = await state.origins.reload()
    logger.info("origin removed", extra={"admin": admin.username, "origin": body.origin})
    return {"origin": body.origin, "total": total}


@router.post("/users", status_code=status.HTTP_201_CREATED, response_model=MeResponse)
async def create_user(body: CreateUserRequest, request: Request, admin: User = Depends(require_admin)) -> MeResponse:
    state = request.app.state
    password_hash = await asyncio.to_thread(hash_password, body.password)
    try:
        user = await state.users.create(body.username, password_hash, role=body.role)
    except DuplicateKeyError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, "username already exists") from exc
    logger.info("user created", extra={"admin": admin.username, "username": user.username, "role": user.role})
    return MeResponse(id=user.id, username=user.username, role=user.role)


@router.post("/broadcast")
async def broadcast(body: BroadcastRequest, request: Request, admin: User = Depends(require_admin)) -> dict:
    delivered = request.app.state.hub.broadcast({"type": "notice", "message": body.message})
    logger.info("admin broadcast", extra={"admin": admin.username, "delivered": delivered})
    return {"delivered": delivered}
