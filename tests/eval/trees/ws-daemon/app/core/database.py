from redis.asyncio import ConnectionPool, Redis
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.core.config import settings

if settings.is_production:
    engine = create_async_engine(settings.DATABASE_URL, pool_size=20, max_overflow=10)
else:
    engine = create_async_engine(settings.DATABASE_URL, poolclass=NullPool)

_redis_pool = ConnectionPool.from_url(
    settings.REDIS_URL,
    max_connections=50,
    decode_responses=True,
    socket_connect_timeout=5,
)
redis = Redis(connection_pool=_redis_pool)
