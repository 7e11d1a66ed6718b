"""Exchange messages: entries logged first and chained after; the personal-data usage log.

The message log's chain fields (`seq`, `prev_hash`, `entry_hash`) become nullable: a call
logs its entry with one INSERT and `chain_pending` links it later. The append-only trigger
on UPDATE is replaced by one that lets an unchained entry be linked once, changing nothing
else; DELETE stays refused. The usage log (one append-only row per person read) and its
relay cursor are new.

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


LOG = "exchange_message_log"
CHAIN = ("seq", "prev_hash", "entry_hash")
FIXED = (
    "id",
    "logged_at",
    "message_id",
    "client",
    "service",
    "user_id",
    "purpose",
    "legal_basis",
    "request_hash",
    "response_hash",
    "status",
    "request_signature",
    "response_signature",
)


def _link_once_trigger() -> None:
    """Refuse any UPDATE of the log but linking an unchained entry, once."""
    if op.get_bind().dialect.name == "sqlite":
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FIXED)
        unlinked = " OR ".join(f"NEW.{c} IS NULL" for c in CHAIN)
        op.execute(
            f"CREATE TRIGGER {LOG}_no_update BEFORE UPDATE ON {LOG} "
            f"WHEN OLD.entry_hash IS NOT NULL OR {unlinked} OR {changed} "
            f"BEGIN SELECT RAISE(ABORT, '{LOG} is append-only'); END"
        )
        return
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FIXED)
    unlinked = " OR ".join(f"NEW.{c} IS NULL" for c in CHAIN)
    op.execute(
        "CREATE OR REPLACE FUNCTION nara_message_log_link_once() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"IF OLD.entry_hash IS NOT NULL OR {unlinked} OR {changed} THEN "
        "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END IF; RETURN NEW; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {LOG}_link_once BEFORE UPDATE ON {LOG} "
        "FOR EACH ROW EXECUTE FUNCTION nara_message_log_link_once()"
    )


def _refuse_delete() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"CREATE TRIGGER {LOG}_no_delete BEFORE DELETE ON {LOG} "
            f"BEGIN SELECT RAISE(ABORT, '{LOG} is append-only'); END"
        )
        return
    op.execute(
        f"CREATE TRIGGER {LOG}_append_only BEFORE DELETE ON {LOG} "
        "FOR EACH ROW EXECUTE FUNCTION nara_refuse_change()"
    )


def _drop_log_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("no_update", "no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {LOG}_{name}")
        return
    op.execute(f"DROP TRIGGER IF EXISTS {LOG}_append_only ON {LOG}")
    op.execute(f"DROP TRIGGER IF EXISTS {LOG}_link_once ON {LOG}")


def upgrade() -> None:
    _drop_log_triggers()
    with op.batch_alter_table(LOG, schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=True)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=True)
    _refuse_delete()
    _link_once_trigger()
    op.create_table(
        "exchange_data_usage",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("read_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("log_id", sa.BigInteger(), nullable=False),
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
    op.create_table(
        "exchange_usage_relay",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_usage_relay")),
    )


def downgrade() -> None:
    op.drop_table("exchange_usage_relay")
    _drop_log_triggers()
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS nara_message_log_link_once()")
    op.execute(f"DELETE FROM {LOG} WHERE seq IS NULL")  # unchained entries cannot go back
    with op.batch_alter_table(LOG, schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=False)
    protect(LOG)
    unprotect("exchange_data_usage")
    op.drop_index("ix_exchange_data_usage_person", table_name="exchange_data_usage")
    op.drop_table("exchange_data_usage")
