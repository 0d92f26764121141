"""Alembic environment. Run as a one-shot job (compose service `migrate`), never from the app."""
import asyncio
import logging
import os
from logging.config import fileConfig

from sqlalchemy import pool
from sqlalchemy.ext.asyncio import create_async_engine

from alembic import context
from app.models import Base

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")

target_metadata = Base.metadata


def _database_url() -> str:
    # Only the URL is needed here; the full Settings object would also demand API keys.
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql+asyncpg://"):
        raise SystemExit("DATABASE_URL must be set and use the postgresql+asyncpg:// driver")
    return url


def _do_run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    engine = create_async_engine(
        _database_url(),
        poolclass=pool.NullPool,
        connect_args={"timeout": 10, "server_settings": {"lock_timeout": "10000"}},
    )
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_do_run)
    except Exception:
        # The URL carries credentials, so only the error type and host are logged.
        logger.exception("migration failed against host %s", engine.url.host)
        raise
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against the database")
asyncio.run(run_migrations_online())
