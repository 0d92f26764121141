"""Operator endpoints."""
import logging

from fastapi import APIRouter, Depends, Header, HTTPException

from app.core.config import settings
from app.services.cache import cache_flush
from app.tasks.refresh import refresh_default_series

logger = logging.getLogger(__name__)


async def require_admin(x_api_key: str = Header(default="")) -> None:
    if x_api_key != settings.ADMIN_API_KEY:
        raise HTTPException(status_code=401, detail="Invalid admin key")


router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])


@router.post("/cache/flush")
async def flush_cache():
    removed = await cache_flush()
    logger.info("Admin cache flush removed %d keys", removed)
    return {"removed": removed}


@router.post("/refresh")
async def trigger_refresh():
    stored = await refresh_default_series(force=True)
    return {"stored": stored}
