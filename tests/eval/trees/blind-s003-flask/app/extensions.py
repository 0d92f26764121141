"""Shared extension instances and connection setup for Postgres and Redis."""
from __future__ import annotations

import logging
from typing import Optional

import redis
from flask import Flask
from flask_cors import CORS
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text
from sqlalchemy.pool import NullPool

from app.config import Settings

logger = logging.getLogger(__name__)

db = SQLAlchemy()
migrate = Migrate()
cors = CORS()

_redis_pool: Optional[redis.ConnectionPool] = None
_redis_client: Optional[redis.Redis] = None


def build_engine_options(settings: Settings) -> dict:
    """SQLAlchemy engine options, chosen by environment.

    Production gets a real QueuePool; local development uses NullPool so that
    the reloader does not leave idle connections behind.
    """
    if settings.is_production:
        options = {
            "pool_size": settings.DB_POOL_SIZE,
            "max_overflow": settings.DB_MAX_OVERFLOW,
            "pool_pre_ping": True,
            "pool_recycle": settings.DB_POOL_RECYCLE,
            "pool_timeout": 10,
        }
    else:
        options = {"poolclass": NullPool}

    logger.info(
        "Database engine configured",
        extra={
            "pool": "QueuePool" if settings.is_production else "NullPool",
            "pool_size": options.get("pool_size"),
            "max_overflow": options.get("max_overflow"),
        },
    )
    return options


def init_db(app: Flask) -> None:
    """Verify that the database is reachable before serving traffic."""
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.session.remove()
    logger.info("Database connection verified")


def init_redis(settings: Settings) -> redis.Redis:
    global _redis_pool, _redis_client

    if _redis_client is not None:
        return _redis_client

    _redis_pool = redis.ConnectionPool.from_url(
        settings.REDIS_URL,
        max_connections=settings.REDIS_MAX_CONNECTIONS,
        decode_responses=True,
        socket_connect_timeout=5,
        socket_keepalive=True,
        health_check_interval=30,
    )
    client = redis.Redis(connection_pool=_redis_pool)
    client.ping()
    _redis_client = client
    logger.info("Redis connection verified (max_connections=%s)", settings.REDIS_MAX_CONNECTIONS)
    return client


def get_redis() -> redis.Redis:
    if _redis_client is None:
        raise RuntimeError("Redis has not been initialised; call init_redis() first")
    return _redis_client


def close_redis() -> None:
    global _redis_pool, _redis_client
    if _redis_pool is not None:
        _redis_pool.disconnect()
    _redis_pool = None
    _redis_client = None
