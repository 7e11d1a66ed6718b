"""The usage log by message-log entry, and the relay's one cursor row.

The worker's relay of personal-data reads looks calls up by their log entry: an index on
`exchange_data_usage.log_id` (built without blocking writes on PostgreSQL, where the usage
log of a running install is large). The relay's cursor is one row with the fixed id 1, so
that two workers starting on a fresh database cannot each create one.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import nara.core.models

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_exchange_data_usage_log"
CURSOR_ID = 1
_relay = sa.table(
    "exchange_usage_relay",
    sa.column("id", sa.BigInteger()),
    sa.column("last_seq", sa.BigInteger()),
    sa.column("updated_at", nara.core.models.UtcDateTime(timezone=True)),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.create_index(INDEX, "exchange_data_usage", ["log_id"], postgresql_concurrently=True)
    else:
        op.create_index(INDEX, "exchange_data_usage", ["log_id"])
    _one_cursor_row()


def _one_cursor_row() -> None:
    """Keep the furthest cursor as row 1 (an install may hold one made lazily, or two)."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(_relay.c.id, _relay.c.last_seq)).all()
    if not rows:
        bind.execute(
            _relay.insert().values(id=CURSOR_ID, last_seq=0, updated_at=dt.datetime.now(dt.UTC))
        )
        return
    keep = max(rows, key=lambda row: (row.last_seq, -row.id))
    bind.execute(_relay.delete().where(_relay.c.id != keep.id))
    if keep.id != CURSOR_ID:
        bind.execute(_relay.update().where(_relay.c.id == keep.id).values(id=CURSOR_ID))


def downgrade() -> None:
    op.drop_index(INDEX, table_name="exchange_data_usage")
