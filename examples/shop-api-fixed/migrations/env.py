from alembic import context

from app.db import Base

target_metadata = Base.metadata
context.configure(target_metadata=target_metadata)
