"""Postgres (SQLAlchemy async / asyncpg) and Redis connection management.

Both are created once in the application lifespan and disposed on shutdown.
Startup connects with bounded exponential backoff because on Railway the
database and Redis services can come up after the app container does.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy import text
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from app.core.config import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")

_engine: AsyncEngine | None = None
_sessionmaker: async_sessionmaker[AsyncSession] | None = None
_redis: Redis | None = None


# Errors that mean "not reachable yet"; anything else (bad credentials, bad
# database name, bad URL) fails fast instead of burning the retry budget.
_PG_TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,
    OperationalError,
    InterfaceError,
)
_REDIS_TRANSIENT: tuple[type[BaseException], ...] = (OSError, RedisConnectionError, RedisTimeoutError)


async def _with_startup_retries(
    what: str,
    attempt_fn: Callable[[], Awaitable[T]],
    max_retries: int,
    transient: tuple[type[BaseException], ...],
    max_delay: float = 30.0,
) -> T:
    for attempt in range(1, max_retries + 1):
        try:
            return await attempt_fn()
        except transient as exc:
            if attempt == max_retries:
                logger.error(
                    "startup connection failed, giving up",
                    extra={"dependency": what, "attempts": attempt, "error": repr(exc)},
                )
                raise
            delay = min(max_delay, 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
            logger.warning(
                "startup connection failed, retrying",
                extra={
                    "dependency": what,
                    "attempt": attempt,
                    "max_retries": max_retries,
                    "retry_in_s": round(delay, 2),
                    "error": repr(exc),
                },
            )
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


def build_engine(settings: Settings) -> AsyncEngine:
    return create_async_engine(
        settings.DATABASE_URL.get_secret_value(),
        pool_size=settings.DB_POOL_SIZE,
        max_overflow=settings.DB_MAX_OVERFLOW,
        pool_timeout=settings.DB_POOL_TIMEOUT,
        pool_recycle=settings.DB_POOL_RECYCLE,
        pool_pre_ping=True,
        echo=False,
        connect_args={
            "timeout": settings.DB_CONNECT_TIMEOUT,
            "command_timeout": settings.DB_COMMAND_TIMEOUT,
            "server_settings": {
                "application_name": "macro-data-api",
                "statement_timeout": str(settings.DB_STATEMENT_TIMEOUT_MS),
                "idle_in_transaction_session_timeout": "60000",
            },
        },
    )


async def init_db(settings: Settings) -> AsyncEngine:
    global _engine, _sessionmaker
    engine = build_engine(settings)

    async def _probe() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    try:
        await _with_startup_retries("postgres", _probe, settings.DB_INIT_MAX_RETRIES, _PG_TRANSIENT)
    except BaseException:
        await engine.dispose()
        raise

    _engine = engine
    _sessionmaker = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
    logger.info(
        "database pool ready",
        extra={
            "pool_size": settings.DB_POOL_SIZE,
            "max_overflow": settings.DB_MAX_OVERFLOW,
            "statement_timeout_ms": settings.DB_STATEMENT_TIMEOUT_MS,
        },
    )
    return engine


async def init_redis(settings: Settings) -> Redis:
    global _redis
    pool = BlockingConnectionPool.from_url(
        settings.REDIS_URL.get_secret_value(),
        max_connections=settings.REDIS_MAX_CONNECTIONS,
        timeout=settings.REDIS_POOL_WAIT_TIMEOUT,
        decode_responses=True,
        socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_keepalive=True,
        health_check_interval=30,
        retry_on_timeout=True,
        retry=Retry(ExponentialBackoff(cap=2.0, base=0.1), retries=2),
    )
    client = Redis(connection_pool=pool)

    async def _probe() -> None:
        await client.ping()

    try:
        await _with_startup_retries("redis", _probe, settings.REDIS_INIT_MAX_RETRIES, _REDIS_TRANSIENT)
    except BaseException:
        await client.aclose()
        await pool.disconnect()
        raise

    _redis = client
    logger.info("redis pool ready", extra={"max_connections": settings.REDIS_MAX_CONNECTIONS})
    return client


async def close_db() -> None:
    global _engine, _sessionmaker
    if _engine is not None:
        await _engine.dispose()
        logger.info("database pool disposed")
    _engine = None
    _sessionmaker = None


async def close_redis() -> None:
    global _redis
    if _redis is not None:
        await _redis.aclose()
        await _redis.connection_pool.disconnect()
        logger.info("redis pool closed")
    _redis = None


def get_engine() -> AsyncEngine:
    if _engine is None:
        raise RuntimeError("database not initialised")
    return _engine


def get_redis() -> Redis:
    if _redis is None:
        raise RuntimeError("redis not initialised")
    return _redis


def session_factory() -> async_sessionmaker[AsyncSession]:
    if _sessionmaker is None:
        raise RuntimeError("database not initialised")
    return _sessionmaker


async def get_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one session per request, always closed."""
    async with session_factory()() as session:
        yield session
