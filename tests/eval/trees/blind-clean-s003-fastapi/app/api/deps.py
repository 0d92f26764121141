"""Shared FastAPI dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.database import get_session
from app.core.rate_limit import enforce_rate_limit
from app.core.security import Principal, require_scope
from app.services.cache import ResponseCache
from app.services.data_service import DataService


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_data_service(request: Request) -> DataService:
    return request.app.state.data_service


def get_cache(request: Request) -> ResponseCache:
    return request.app.state.cache


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
DataDep = Annotated[DataService, Depends(get_data_service)]
CacheDep = Annotated[ResponseCache, Depends(get_cache)]
# Every data route is authenticated and rate limited (enforce_rate_limit depends on authenticate).
ReaderDep = Annotated[Principal, Depends(enforce_rate_limit)]


async def _admin(
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    _limited: ReaderDep,
) -> Principal:
    return principal


AdminDep = Annotated[Principal, Depends(_admin)]
