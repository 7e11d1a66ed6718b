"""Simulated financial data source: accounts by person.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import nara.core.models
from nara.migrations.append_only import protect, unprotect

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = nara.core.models.UtcDateTime(timezone=True)
_JSON = nara.core.models.JsonData


def upgrade() -> None:
    op.create_table(
        "finance_institution",
        sa.Column("id", _ID, nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "kind IN ('bank', 'insurer', 'securities')", name=op.f("ck_finance_institution_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_institution")),
        sa.UniqueConstraint("name", name=op.f("uq_finance_institution_name")),
    )

    op.create_table(
        "finance_account",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("seq", sa.SmallInteger(), nullable=False),
        sa.Column("institution_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("product", sa.String(length=40), nullable=False),
        sa.Column("balance_won", sa.BigInteger(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('deposit', 'loan', 'insurance', 'securities')",
            name=op.f("ck_finance_account_kind"),
        ),
        sa.CheckConstraint("balance_won >= 0", name=op.f("ck_finance_account_balance")),
        sa.CheckConstraint(
            "closed_on IS NULL OR closed_on >= opened_on", name=op.f("ck_finance_account_period")
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["finance_institution.id"],
            name=op.f("fk_finance_account_institution_id_finance_institution"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_account")),
        sa.UniqueConstraint("person_id", "seq", name=op.f("uq_finance_account_person_id_seq")),
    )
    with op.batch_alter_table("finance_account", schema=None) as batch_op:
        batch_op.create_index("ix_finance_account_person", ["person_id", "opened_on"], unique=False)

    op.create_table(
        "finance_change",
        sa.Column("id", _ID, nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", _ID, nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("recorded_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_change")),
    )
    with op.batch_alter_table("finance_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_finance_change_entity", ["entity", "entity_id", "id"], unique=False
        )
    protect("finance_change")


def downgrade() -> None:
    unprotect("finance_change")
    with op.batch_alter_table("finance_change", schema=None) as batch_op:
        batch_op.drop_index("ix_finance_change_entity")
    op.drop_table("finance_change")
    with op.batch_alter_table("finance_account", schema=None) as batch_op:
        batch_op.drop_index("ix_finance_account_person")
    op.drop_table("finance_account")
    op.drop_table("finance_institution")
