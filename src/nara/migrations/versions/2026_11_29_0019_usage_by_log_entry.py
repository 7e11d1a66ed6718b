"""The usage log by message-log entry: the worker's relay of reads looks calls up by it.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_exchange_data_usage_log", "exchange_data_usage", ["log_id"])


def downgrade() -> None:
    op.drop_index("ix_exchange_data_usage_log", table_name="exchange_data_usage")
