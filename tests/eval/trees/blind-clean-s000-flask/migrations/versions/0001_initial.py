"""initial schema

Revision ID: 0001
Revises:
Create Date: 2024-11-18
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JOB_STATUS = postgresql.ENUM(
    "queued", "starting", "running", "pausing", "paused", "succeeded", "failed", "cancelled",
    name="job_status", create_type=False,
)


def upgrade() -> None:
    JOB_STATUS.create(op.get_bind(), checkfirst=True)

    op.create_table(
        "owners",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("owner_id", sa.Uuid(), sa.ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("scopes", sa.String(200), nullable=False, server_default="training"),
        sa.Column("revoked", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_api_keys_owner_id", "api_keys", ["owner_id"])

    op.create_table(
        "training_jobs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("owner_id", sa.Uuid(), sa.ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
        sa.Column("idempotency_key", sa.String(64)),
        sa.Column("status", JOB_STATUS, nullable=False, server_default="queued"),
        sa.Column("priority", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("base_model", sa.String(200), nullable=False),
        sa.Column("dataset_path", sa.String(1024), nullable=False),
        sa.Column("hyperparameters", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("resume_from_checkpoint", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("pause_requested", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("worker_id", sa.String(100)),
        sa.Column("pid", sa.BigInteger()),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True)),
        sa.Column("exit_code", sa.Integer()),
        sa.Column("error", sa.Text()),
        sa.Column("metrics", sa.JSON()),
        sa.Column("registered_model_id", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("owner_id", "idempotency_key", name="uq_job_owner_idempotency"),
    )
    op.create_index("ix_jobs_claim", "training_jobs", ["status", "priority", "created_at"])
    op.create_index("ix_jobs_owner_created", "training_jobs", ["owner_id", "created_at"])
    op.create_index("ix_jobs_worker_status", "training_jobs", ["worker_id", "status"])


def downgrade() -> None:
    op.drop_table("training_jobs")
    op.drop_table("api_keys")
    op.drop_table("owners")
    JOB_STATUS.drop(op.get_bind(), checkfirst=True)
