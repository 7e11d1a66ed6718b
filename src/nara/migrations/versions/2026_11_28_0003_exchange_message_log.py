"""The exchange's append-only, hash-chained message log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import nara.core.models
from nara.migrations.append_only import protect, unprotect

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_message_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("logged_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("client", sa.String(length=255), nullable=False),
        sa.Column("service", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("purpose", sa.String(length=255), nullable=False),
        sa.Column("legal_basis", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("response_hash", sa.String(length=64), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("request_signature", sa.Text(), nullable=True),
        sa.Column("response_signature", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_message_log")),
        sa.UniqueConstraint("seq", name=op.f("uq_exchange_message_log_seq")),
    )
    with op.batch_alter_table("exchange_message_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_message_log_message_id"), ["message_id"], unique=False
        )
    protect("exchange_message_log")


def downgrade() -> None:
    unprotect("exchange_message_log")
    with op.batch_alter_table("exchange_message_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_message_log_message_id"))
    op.drop_table("exchange_message_log")
