"""Alembic environment: async engine, URL from the application settings.

Migrations run as Railway's preDeployCommand (see railway.toml), once per
deploy, before new replicas start. A failed migration fails the deploy and the
previous release keeps serving.
"""

from __future__ import annotations

import asyncio
import logging
from logging.config import fileConfig
from urllib.parse import urlsplit

from sqlalchemy import pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

from alembic import context
from app.core.config import get_settings
from app.models import Base

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")

target_metadata = Base.metadata

# Migrations must not queue behind application traffic indefinitely, nor hold
# an ACCESS EXCLUSIVE lock while waiting: fail fast and let the deploy retry.
LOCK_TIMEOUT = "5s"
MIGRATION_STATEMENT_TIMEOUT = "300s"


def _database_url() -> str:
    return get_settings().DATABASE_URL.get_secret_value()


def _describe_target(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 5432}{parts.path}"


def run_migrations_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    connection.execute(text(f"SET lock_timeout = '{LOCK_TIMEOUT}'"))
    connection.execute(text(f"SET statement_timeout = '{MIGRATION_STATEMENT_TIMEOUT}'"))
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    url = _database_url()
    settings = get_settings()
    # One short-lived connection; a pool would only outlive the command.
    engine = create_async_engine(
        url,
        poolclass=pool.NullPool,
        connect_args={"timeout": settings.DB_CONNECT_TIMEOUT},
    )
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync)
    except (OSError, OperationalError) as exc:
        hint = (
            "check that DATABASE_URL is the private Railway URL for this environment"
            if settings.is_production
            else "is the local database running? try `docker compose up -d postgres`"
        )
        logger.error("cannot reach database %s (%s): %r", _describe_target(url), hint, exc)
        raise
    except DBAPIError as exc:
        logger.error("migration failed against %s: %s", _describe_target(url), exc.orig)
        raise
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
