import redis
from sqlalchemy import create_engine
from sqlalchemy.orm import scoped_session, sessionmaker

SessionLocal = scoped_session(sessionmaker(autoflush=False, expire_on_commit=False))

engine = None
redis_client: redis.Redis | None = None


def init_db(database_url: str):
    global engine
    engine = create_engine(
        database_url,
        pool_size=20,
        max_overflow=10,
    )
    SessionLocal.configure(bind=engine)
    return engine


def init_redis(redis_url: str) -> redis.Redis:
    global redis_client
    redis_client = redis.Redis.from_url(
        redis_url,
        socket_timeout=5,
        socket_connect_timeout=2,
        health_check_interval=30,
        decode_responses=True,
    )
    return redis_client


def get_redis() -> redis.Redis:
    if redis_client is None:
        raise RuntimeError("redis not initialised; call init_redis() first")
    return redis_client
