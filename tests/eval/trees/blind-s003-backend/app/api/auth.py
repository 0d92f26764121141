"""User accounts and per-user watchlists."""
import logging
from typing import List

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import get_db
from app.core.security import create_access_token, current_user_id, hash_password, verify_password
from app.models import User, WatchlistItem

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/auth", tags=["auth"])


class RegisterRequest(BaseModel):
    email: EmailStr
    password: str = Field(..., min_length=10, max_length=128)


class WatchlistAdd(BaseModel):
    series_id: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.]+$")


@router.post("/register", status_code=status.HTTP_201_CREATED)
async def register(body: RegisterRequest, db: AsyncSession = Depends(get_db)):
    user = User(email=body.email.lower(), password_hash=hash_password(body.password))
    db.add(user)
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise HTTPException(status_code=409, detail="Email already registered")
    return {"id": user.id, "email": user.email}


@router.post("/token")
async def login(form: OAuth2PasswordRequestForm = Depends(), db: AsyncSession = Depends(get_db)):
    result = await db.execute(select(User).where(User.email == form.username.lower()))
    user = result.scalar_one_or_none()
    if user is None or not verify_password(form.password, user.password_hash):
        raise HTTPException(status_code=401, detail="Incorrect email or password")
    return {"access_token": create_access_token(str(user.id)), "token_type": "bearer"}


@router.get("/me/watchlist")
async def list_watchlist(
    user_id: int = Depends(current_user_id), db: AsyncSession = Depends(get_db)
) -> List[str]:
    result = await db.execute(
        select(WatchlistItem.series_id)
        .where(WatchlistItem.user_id == user_id)
        .order_by(WatchlistItem.created_at)
    )
    return list(result.scalars())


@router.post("/me/watchlist", status_code=status.HTTP_201_CREATED)
async def add_to_watchlist(
    body: WatchlistAdd,
    user_id: int = Depends(current_user_id),
    db: AsyncSession = Depends(get_db),
):
    db.add(WatchlistItem(user_id=user_id, series_id=body.series_id.upper()))
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
    return {"series_id": body.series_id.upper()}


@router.delete("/me/watchlist/{series_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_from_watchlist(
    series_id: str,
    user_id: int = Depends(current_user_id),
    db: AsyncSession = Depends(get_db),
):
    await db.execute(
        delete(WatchlistItem).where(
            WatchlistItem.user_id == user_id, WatchlistItem.series_id == series_id.upper()
        )
    )
    await db.commit()
