"""RFC 3161 batch time-stamps of the message log.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import nara.core.models
from nara.migrations.append_only import protect, unprotect

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_log_timestamp",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("first_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("token", sa.LargeBinary(), nullable=False),
        sa.Column("gen_time", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("tsa", sa.String(length=255), nullable=False),
        sa.Column("created_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_log_timestamp")),
        sa.UniqueConstraint("first_seq", name=op.f("uq_exchange_log_timestamp_first_seq")),
        sa.UniqueConstraint("last_seq", name=op.f("uq_exchange_log_timestamp_last_seq")),
    )
    protect("exchange_log_timestamp")


def downgrade() -> None:
    unprotect("exchange_log_timestamp")
    op.drop_table("exchange_log_timestamp")
