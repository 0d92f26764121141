from sqlalchemy import create_engine, text
from sqlalchemy.orm import declarative_base, sessionmaker

from app.config import settings

engine = create_engine(settings.DATABASE_URL, pool_size=20, max_overflow=10)
SessionLocal = sessionmaker(bind=engine)
Base = declarative_base()


def find_orders(customer: str):
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT * FROM orders WHERE customer = '{customer}'")).fetchall()
