"""Registration and login."""
from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings, get_settings
from app.datastores import get_session
from app.models import User
from app.security import client_ip, create_access_token, enforce, hash_password, verify_password

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class Credentials(BaseModel):
    email: EmailStr
    password: str = Field(min_length=12, max_length=128)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


@router.post("/register", status_code=status.HTTP_201_CREATED)
async def register(
    body: Credentials,
    request: Request,
    session: AsyncSession = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> dict[str, str]:
    await enforce(request.app.state.limiter, "register", client_ip(request), settings.RATE_LIMIT_LOGIN_PER_MIN)
    # bcrypt is CPU-bound (~0.2 s); keep it off the event loop.
    password_hash = await run_in_threadpool(hash_password, body.password)
    session.add(User(email=body.email.lower(), password_hash=password_hash))
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        # Do not reveal whether the address is already registered.
        logger.info("registration for existing address")
    return {"status": "registered"}


@router.post("/login", response_model=TokenResponse)
async def login(
    body: Credentials,
    request: Request,
    session: AsyncSession = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> TokenResponse:
    limiter = request.app.state.limiter
    email = body.email.lower()
    # Per source address and per account, so neither spraying nor a botnet works well.
    await enforce(limiter, "login-ip", client_ip(request), settings.RATE_LIMIT_LOGIN_PER_MIN)
    await enforce(limiter, "login-account", email, settings.RATE_LIMIT_LOGIN_PER_MIN * 2)

    user = await session.scalar(select(User).where(User.email == email))
    valid = await run_in_threadpool(verify_password, body.password, user.password_hash if user else None)
    if not valid or user is None or not user.is_active:
        logger.info("login failed", extra={"client_ip": client_ip(request)})
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="Invalid credentials")
    return TokenResponse(
        access_token=create_access_token(user.id, settings),
        expires_in=settings.ACCESS_TOKEN_TTL_MIN * 60,
    )
