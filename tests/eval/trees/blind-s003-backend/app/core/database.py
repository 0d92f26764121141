"""Database and Redis connection management."""
import logging
from typing import AsyncGenerator, Optional

from redis.asyncio import ConnectionPool, Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from app.core.config import settings

logger = logging.getLogger(__name__)

_engine: Optional[AsyncEngine] = None
_session_factory: Optional[async_sessionmaker[AsyncSession]] = None
_redis_pool: Optional[ConnectionPool] = None


def _build_engine() -> AsyncEngine:
    engine_kwargs = {
        "echo": settings.DEBUG,
        "pool_size": settings.DB_POOL_SIZE,
        "max_overflow": settings.DB_MAX_OVERFLOW,
        "pool_pre_ping": True,
        "pool_recycle": 1800,
    }
    if not settings.is_production:
        # No persistent pool for local/dev and preview deployments.
        engine_kwargs["poolclass"] = NullPool

    logger.info(
        "Creating database engine (environment=%s, pool_size=%s, max_overflow=%s)",
        settings.ENVIRONMENT,
        settings.DB_POOL_SIZE,
        settings.DB_MAX_OVERFLOW,
    )
    return create_async_engine(settings.DATABASE_URL, **engine_kwargs)


async def init_db() -> None:
    """Create the engine and verify connectivity."""
    global _engine, _session_factory
    _engine = _build_engine()
    _session_factory = async_sessionmaker(_engine, expire_on_commit=False)
    async with _engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
    logger.info("Database connection established")


async def close_db() -> None:
    global _engine
    if _engine is not None:
        await _engine.dispose()
        _engine = None
        logger.info("Database engine disposed")


def session_factory() -> async_sessionmaker[AsyncSession]:
    if _session_factory is None:
        raise RuntimeError("Database not initialised; call init_db() first")
    return _session_factory


async def get_db() -> AsyncGenerator[AsyncSession, None]:
    """FastAPI dependency that hands out a session per request."""
    session = session_factory()()
    yield session
    await session.close()


async def init_redis() -> None:
    global _redis_pool
    _redis_pool = ConnectionPool.from_url(
        settings.REDIS_URL,
        max_connections=settings.REDIS_MAX_CONNECTIONS,
        decode_responses=True,
        socket_connect_timeout=5,
        socket_keepalive=True,
    )
    client = Redis(connection_pool=_redis_pool)
    await client.ping()
    logger.info("Redis connection established")


def get_redis() -> Redis:
    if _redis_pool is None:
        raise RuntimeError("Redis not initialised; call init_redis() first")
    return Redis(connection_pool=_redis_pool)


async def close_redis() -> None:
    global _redis_pool
    if _redis_pool is not None:
        await _redis_pool.disconnect()
        _redis_pool = None
