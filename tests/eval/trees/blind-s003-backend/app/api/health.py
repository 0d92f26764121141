"""Health endpoints used by Railway and uptime monitors."""
import logging

from fastapi import APIRouter, Depends
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.database import get_db, get_redis

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


@router.get("/health")
async def health():
    return {"status": "healthy", "version": settings.VERSION, "environment": settings.ENVIRONMENT}


@router.get("/health/liveness")
async def liveness():
    return {"status": "alive"}


@router.get("/health/readiness")
async def readiness(db: AsyncSession = Depends(get_db)):
    checks = {}
    try:
        await db.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        logger.error("Readiness: database check failed: %s", exc)
        checks["database"] = "unavailable"
    try:
        await get_redis().ping()
        checks["redis"] = "ok"
    except Exception as exc:
        logger.error("Readiness: redis check failed: %s", exc)
        checks["redis"] = "unavailable"

    ready = all(value == "ok" for value in checks.values())
    return {"status": "ready" if ready else "degraded", "checks": checks}
