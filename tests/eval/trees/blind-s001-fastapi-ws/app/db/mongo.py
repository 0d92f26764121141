"""MongoDB connection management."""
from __future__ import annotations

import logging

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase
from pymongo import ASCENDING, DESCENDING

from app.config import Settings

logger = logging.getLogger(__name__)


class Mongo:
    """Owns the motor client for the lifetime of the process."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client = AsyncIOMotorClient(
            settings.mongo_uri,
            maxPoolSize=settings.mongo_max_pool_size,
            serverSelectionTimeoutMS=settings.mongo_server_selection_timeout_ms,
            connectTimeoutMS=5_000,
            socketTimeoutMS=settings.mongo_socket_timeout_ms,
            appname=settings.app_name,
            tz_aware=True,
        )
        self._db: AsyncIOMotorDatabase = self._client[settings.mongo_db]

    @property
    def db(self) -> AsyncIOMotorDatabase:
        return self._db

    async def ping(self) -> bool:
        await self._client.admin.command("ping")
        return True

    async def ensure_indexes(self) -> None:
        await self._db.users.create_index([("username", ASCENDING)], unique=True)
        await self._db.sessions.create_index([("user_id", ASCENDING), ("started_at", DESCENDING)])
        await self._db.sessions.create_index([("started_at", DESCENDING)])
        await self._db.allowed_origins.create_index([("origin", ASCENDING)], unique=True)
        logger.info("mongo indexes ensured", extra={"db": self._settings.mongo_db})

    def close(self) -> None:
        self._client.close()
