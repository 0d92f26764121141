"""Process-wide database engine, session factory and Redis client.

Both are created once per process (per gunicorn worker after fork, or once in
the training worker) and disposed of at shutdown.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator

import redis
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings

log = logging.getLogger(__name__)


def build_engine(settings: Settings) -> Engine:
    return create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_recycle=settings.db_pool_recycle,
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": settings.db_connect_timeout,
            "options": f"-c statement_timeout={settings.db_statement_timeout_ms}",
            "application_name": f"training-platform-{settings.env}",
        },
        future=True,
    )


def build_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


def build_redis(settings: Settings, *, socket_timeout: float | None = None) -> redis.Redis:
    return redis.Redis.from_url(
        settings.redis_url,
        socket_timeout=socket_timeout if socket_timeout is not None else settings.redis_socket_timeout,
        socket_connect_timeout=settings.redis_connect_timeout,
        health_check_interval=30,
        retry_on_timeout=False,
        max_connections=50,
        decode_responses=True,
    )


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Transactional scope: commit on success, roll back on any exception."""
    session = factory()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
