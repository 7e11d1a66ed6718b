"""Tax office: taxpayers, their addresses and balances.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import nara.core.models
from nara.migrations.append_only import protect, unprotect

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = nara.core.models.UtcDateTime(timezone=True)
_JSON = nara.core.models.JsonData
_ITEMS = (
    "item IN ('income_tax', 'vat', 'comprehensive_real_estate_tax', 'inheritance_tax', "
    "'gift_tax', 'local_income_tax', 'property_tax', 'vehicle_tax', 'acquisition_tax')"
)


def upgrade() -> None:
    op.create_table(
        "tax_taxpayer",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("address_since", sa.Date(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("sido_code", sa.String(length=2), nullable=False),
        sa.Column("sigungu_code", sa.String(length=5), nullable=False),
        sa.Column("road_name", sa.String(length=60), nullable=False),
        sa.Column("building_main", sa.SmallInteger(), nullable=False),
        sa.Column("building_sub", sa.SmallInteger(), nullable=False),
        sa.Column("address_detail", sa.String(length=100), nullable=False),
        sa.Column("postcode", sa.String(length=5), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_taxpayer")),
        sa.UniqueConstraint("person_id", name=op.f("uq_tax_taxpayer_person_id")),
    )

    op.create_table(
        "tax_balance",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("tax_kind", sa.String(length=8), nullable=False),
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.Column("tax_year", sa.Integer(), nullable=False),
        sa.Column("amount_owed", sa.BigInteger(), nullable=False),
        sa.Column("amount_refundable", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "tax_kind IN ('national', 'local')", name=op.f("ck_tax_balance_tax_kind")
        ),
        sa.CheckConstraint(_ITEMS, name=op.f("ck_tax_balance_item")),
        sa.CheckConstraint(
            "amount_owed >= 0 AND amount_refundable >= 0", name=op.f("ck_tax_balance_amounts")
        ),
        sa.CheckConstraint(
            "amount_owed = 0 OR amount_refundable = 0", name=op.f("ck_tax_balance_one_side")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_balance")),
    )
    with op.batch_alter_table("tax_balance", schema=None) as batch_op:
        batch_op.create_index("ix_tax_balance_person", ["person_id", "tax_year"], unique=False)

    op.create_table(
        "tax_employment_notice",
        sa.Column("id", _ID, nullable=False),
        sa.Column("event_id", _ID, nullable=False),
        sa.Column("employment_id", _ID, nullable=False),
        sa.Column("business_id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=6), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("received_at", _AT, nullable=False),
        sa.CheckConstraint("kind IN ('hired', 'left')", name=op.f("ck_tax_employment_notice_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_employment_notice")),
        sa.UniqueConstraint("event_id", name=op.f("uq_tax_employment_notice_event_id")),
    )
    with op.batch_alter_table("tax_employment_notice", schema=None) as batch_op:
        batch_op.create_index("ix_tax_employment_notice_person", ["person_id", "on"], unique=False)

    op.create_table(
        "tax_change",
        sa.Column("id", _ID, nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", _ID, nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("recorded_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_change")),
    )
    with op.batch_alter_table("tax_change", schema=None) as batch_op:
        batch_op.create_index("ix_tax_change_entity", ["entity", "entity_id", "id"], unique=False)
    protect("tax_change")


def downgrade() -> None:
    unprotect("tax_change")
    with op.batch_alter_table("tax_change", schema=None) as batch_op:
        batch_op.drop_index("ix_tax_change_entity")
    op.drop_table("tax_change")
    with op.batch_alter_table("tax_employment_notice", schema=None) as batch_op:
        batch_op.drop_index("ix_tax_employment_notice_person")
    op.drop_table("tax_employment_notice")
    with op.batch_alter_table("tax_balance", schema=None) as batch_op:
        batch_op.drop_index("ix_tax_balance_person")
    op.drop_table("tax_balance")
    op.drop_table("tax_taxpayer")
