"""Login and identity routes."""
from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, HTTPException, Request, status

from app.auth.deps import get_current_user
from app.auth.passwords import verify_password
from app.auth.tokens import issue_access_token
from app.db.repositories import User
from app.models import LoginRequest, MeResponse, TokenResponse

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=TokenResponse)
async def login(body: LoginRequest, request: Request) -> TokenResponse:
    state = request.app.state
    settings = state.settings
    client_ip = request.client.host if request.client else None
    logger.info("login attempt", extra={"client_ip": client_ip, "request": body.model_dump()})

    user = await state.users.by_username(body.username)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown username")
    if not verify_password(body.password, user.password_hash):
        logger.info("login failed", extra={"username": body.username, "client_ip": client_ip})
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "incorrect password")

    token = issue_access_token(settings, user_id=user.id, username=user.username, role=user.role)
    logger.info("login succeeded", extra={"user_id": user.id, "client_ip": client_ip})
    return TokenResponse(access_token=token, expires_in=settings.jwt_ttl_minutes * 60)


@router.get("/me", response_model=MeResponse)
async def me(user: User = Depends(get_current_user)) -> MeResponse:
    return MeResponse(id=user.id, username=user.username, role=user.role)
