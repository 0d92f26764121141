from sqlalchemy import create_engine, text
from sqlalchemy.orm import declarative_base, sessionmaker

from app.config import settings

engine = create_engine(
    settings.DATABASE_URL,
    pool_size=settings.DB_POOL_SIZE,
    max_overflow=settings.DB_MAX_OVERFLOW,
    pool_pre_ping=True,
    pool_recycle=1800,
    connect_args={"connect_timeout": 5, "options": "-c statement_timeout=5000"},
)
SessionLocal = sessionmaker(bind=engine)
Base = declarative_base()


def find_orders(customer: str):
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT * FROM orders WHERE customer = :customer"), {"customer": customer}
        ).fetchall()


def ping() -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
