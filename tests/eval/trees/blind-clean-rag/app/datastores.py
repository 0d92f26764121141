"""Postgres and Redis clients, owned by the application lifespan."""
from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import Request
from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from app.config import Settings

logger = logging.getLogger(__name__)


class Datastores:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine: AsyncEngine = create_async_engine(
            settings.DATABASE_URL.get_secret_value(),
            pool_size=settings.DB_POOL_SIZE,
            max_overflow=settings.DB_MAX_OVERFLOW,
            pool_timeout=settings.DB_POOL_TIMEOUT_S,
            pool_pre_ping=True,
            pool_recycle=1800,
            connect_args={
                "timeout": 10,
                "command_timeout": settings.DB_STATEMENT_TIMEOUT_MS / 1000 + 5,
                "server_settings": {
                    "statement_timeout": str(settings.DB_STATEMENT_TIMEOUT_MS),
                    "idle_in_transaction_session_timeout": "60000",
                    "application_name": settings.SERVICE_NAME,
                },
            },
        )
        self.session_factory = async_sessionmaker(self.engine, expire_on_commit=False)
        # Blocking pool: callers wait (bounded) for a free connection instead of erroring.
        self._redis_pool = BlockingConnectionPool.from_url(
            settings.REDIS_URL.get_secret_value(),
            max_connections=settings.REDIS_MAX_CONNECTIONS,
            timeout=settings.REDIS_SOCKET_TIMEOUT_S,
            socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT_S,
            socket_timeout=settings.REDIS_SOCKET_TIMEOUT_S,
            health_check_interval=30,
            decode_responses=True,
        )
        self.redis: Redis = Redis(connection_pool=self._redis_pool)

    async def ping_db(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def ping_redis(self) -> None:
        await self.redis.ping()

    async def wait_until_ready(self, attempts: int = 6, base_delay: float = 0.5) -> None:
        """Bounded start-up wait so a restart racing the database does not crash-loop."""
        checks: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("postgres", self.ping_db),
            ("redis", self.ping_redis),
        ]
        for name, check in checks:
            for attempt in range(1, attempts + 1):
                try:
                    await asyncio.wait_for(check(), timeout=5)
                    logger.info("datastore ready", extra={"datastore": name, "attempt": attempt})
                    break
                except (OSError, asyncio.TimeoutError, SQLAlchemyError, RedisError) as exc:
                    if attempt == attempts:
                        logger.error("datastore unavailable, giving up", extra={"datastore": name})
                        raise
                    delay = base_delay * 2 ** (attempt - 1) + random.uniform(0, base_delay)
                    logger.warning(
                        "datastore not ready, retrying",
                        extra={"datastore": name, "attempt": attempt, "delay_s": round(delay, 2),
                               "error": type(exc).__name__},
                    )
                    await asyncio.sleep(delay)

    async def close(self) -> None:
        try:
            await self.redis.aclose()
            await self._redis_pool.disconnect()
        finally:
            await self.engine.dispose()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; closed (and rolled back if uncommitted) on every path."""
    stores: Datastores = request.app.state.stores
    async with stores.session_factory() as session:
        yield session


def get_redis(request: Request) -> Redis:
    return request.app.state.stores.redis
