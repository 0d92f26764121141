"""Operator commands.

    python -m app.cli create-key --name "dashboard" [--scope read] [--scope admin] [--rate-limit 600]
    python -m app.cli revoke-key --prefix mda_AbC1

The raw key is printed once and never stored.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy import select, update

from app.core.config import get_settings
from app.core.database import close_db, init_db, session_factory
from app.core.security import generate_api_key, hash_api_key
from app.models import ApiClient

ALLOWED_SCOPES = {"read", "admin"}


async def _create(name: str, scopes: list[str], rate_limit: int | None) -> int:
    settings = get_settings()
    await init_db(settings)
    try:
        raw = generate_api_key()
        async with session_factory()() as session, session.begin():
            session.add(
                ApiClient(
                    name=name,
                    key_hash=hash_api_key(raw, settings.SECRET_KEY.get_secret_value()),
                    key_prefix=raw[:12],
                    scopes=sorted(set(scopes)),
                    rate_limit_per_minute=rate_limit,
                )
            )
    finally:
        await close_db()
    print(f"created client {name!r} with scopes {sorted(set(scopes))}")
    print(f"API key (shown once): {raw}")
    return 0


async def _revoke(prefix: str) -> int:
    settings = get_settings()
    await init_db(settings)
    try:
        async with session_factory()() as session, session.begin():
            matches = (
                await session.scalars(select(ApiClient.id).where(ApiClient.key_prefix == prefix))
            ).all()
            if len(matches) != 1:
                print(f"expected one key with prefix {prefix!r}, found {len(matches)}", file=sys.stderr)
                return 1
            await session.execute(update(ApiClient).where(ApiClient.id == matches[0]).values(is_active=False))
    finally:
        await close_db()
    print(f"revoked key {prefix!r}; cached copies expire within {settings.API_KEY_CACHE_TTL_SECONDS}s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.cli")
    sub = parser.add_subparsers(dest="command", required=True)

    create = sub.add_parser("create-key")
    create.add_argument("--name", required=True)
    create.add_argument("--scope", action="append", choices=sorted(ALLOWED_SCOPES), default=None)
    create.add_argument("--rate-limit", type=int, default=None)

    revoke = sub.add_parser("revoke-key")
    revoke.add_argument("--prefix", required=True)

    args = parser.parse_args(argv)
    if args.command == "create-key":
        if args.rate_limit is not None and args.rate_limit <= 0:
            parser.error("--rate-limit must be positive")
        return asyncio.run(_create(args.name[:120], args.scope or ["read"], args.rate_limit))
    return asyncio.run(_revoke(args.prefix))


if __name__ == "__main__":
    sys.exit(main())
