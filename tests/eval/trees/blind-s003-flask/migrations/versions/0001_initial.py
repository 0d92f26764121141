"""initial schema

Revision ID: 0001_initial
Revises:
Create Date: 2025-08-14 10:12:31.402117
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("series_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=512), nullable=False),
        sa.Column("units", sa.String(length=128)),
        sa.Column("frequency", sa.String(length=32)),
        sa.Column("seasonal_adjustment", sa.String(length=64)),
        sa.Column("observation_start", sa.Date()),
        sa.Column("observation_end", sa.Date()),
        sa.Column("last_updated", sa.DateTime(timezone=True)),
        sa.Column("popularity", sa.Integer()),
        sa.Column("notes", sa.Text()),
        sa.Column("refreshed_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_series_series_id", "series", ["series_id"], unique=True)

    op.create_table(
        "observations",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("series_pk", sa.Integer(), sa.ForeignKey("series.id", ondelete="CASCADE"), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(20, 6)),
        sa.Column("realtime_start", sa.Date()),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("series_pk", "date", name="uq_observation_series_date"),
    )
    op.create_index(
        "ix_observation_series_date_desc", "observations", ["series_pk", sa.text("date DESC")]
    )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_users_email", "users", ["email"], unique=True)

    op.create_table(
        "watchlists",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_watchlists_user_id", "watchlists", ["user_id"])

    op.create_table(
        "watchlist_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "watchlist_id", sa.Integer(), sa.ForeignKey("watchlists.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("series_id", sa.String(length=32), nullable=False),
        sa.UniqueConstraint("watchlist_id", "series_id", name="uq_watchlist_series"),
    )
    op.create_index("ix_watchlist_items_watchlist_id", "watchlist_items", ["watchlist_id"])

    op.create_table(
        "refresh_logs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("series_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("error", sa.Text()),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_refresh_logs_series_id", "refresh_logs", ["series_id"])
    op.create_index("ix_refresh_logs_started_at", "refresh_logs", ["started_at"])


def downgrade():
    op.drop_table("refresh_logs")
    op.drop_table("watchlist_items")
    op.drop_table("watchlists")
    op.drop_table("users")
    op.drop_index("ix_observation_series_date_desc", table_name="observations")
    op.drop_table("observations")
    op.drop_index("ix_series_series_id", table_name="series")
    op.drop_table("series")
