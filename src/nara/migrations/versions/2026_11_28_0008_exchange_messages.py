"""The personal-data usage log: one append-only row per person read through the exchange.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import nara.core.models
from nara.migrations.append_only import protect, unprotect

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_data_usage",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("read_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("log_seq", sa.BigInteger(), nullable=False),
        sa.Column("client", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("service", sa.String(length=255), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("lawful_basis", sa.String(length=32), nullable=False),
        sa.Column("legal_reference", sa.String(length=255), nullable=False),
        sa.Column("consent_ref", sa.String(length=64), nullable=True),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_data_usage")),
    )
    op.create_index(
        "ix_exchange_data_usage_person", "exchange_data_usage", ["person_id", "read_at"]
    )
    protect("exchange_data_usage")


def downgrade() -> None:
    unprotect("exchange_data_usage")
    op.drop_index("ix_exchange_data_usage_person", table_name="exchange_data_usage")
    op.drop_table("exchange_data_usage")
