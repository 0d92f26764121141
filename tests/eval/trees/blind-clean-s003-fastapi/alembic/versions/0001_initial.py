"""initial schema: api_clients, series, observations

Revision ID: 0001
Revises:
Create Date: 2025-08-14 10:12:00
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_clients",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("key_prefix", sa.String(12), nullable=False),
        sa.Column(
            "scopes", postgresql.ARRAY(sa.String(32)), nullable=False, server_default="{read}"
        ),
        sa.Column("rate_limit_per_minute", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.UniqueConstraint("key_hash", name="uq_api_clients_key_hash"),
        sa.CheckConstraint(
            "rate_limit_per_minute IS NULL OR rate_limit_per_minute > 0",
            name="ck_api_clients_rate_limit_positive",
        ),
    )

    op.create_table(
        "series",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("units", sa.String(200), nullable=False),
        sa.Column("frequency", sa.String(40), nullable=False),
        sa.Column("seasonal_adjustment", sa.String(80), nullable=True),
        sa.Column("source_last_updated", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "fetched_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )

    op.create_table(
        "observations",
        sa.Column(
            "series_id",
            sa.String(64),
            sa.ForeignKey("series.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(20, 6), nullable=True),
        # (series_id, date) serves both the upsert conflict target and
        # "latest observation per series" / date-range scans.
        sa.PrimaryKeyConstraint("series_id", "date", name="pk_observations"),
    )


def downgrade() -> None:
    op.drop_table("observations")
    op.drop_table("series")
    op.drop_table("api_clients")
