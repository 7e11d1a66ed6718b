"""Welfare: benefits, applications and decisions.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import nara.core.models
from nara.migrations.append_only import protect, unprotect

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = nara.core.models.UtcDateTime(timezone=True)
_JSON = nara.core.models.JsonData
_KINDS = (
    "kind IN ('parent_allowance', 'child_allowance', 'childcare_allowance', "
    "'first_meeting_voucher', 'basic_pension')"
)
_AMOUNTS = "monthly_amount >= 0 AND lump_sum >= 0"
_ONE_AMOUNT = (
    "(monthly_amount IS NULL AND lump_sum IS NOT NULL) "
    "OR (monthly_amount IS NOT NULL AND lump_sum IS NULL)"
)
_STOPPED = "(status = 'stopped') = (stopped_on IS NOT NULL AND stop_reason IS NOT NULL)"


def upgrade() -> None:
    op.create_table(
        "welfare_change",
        sa.Column("id", _ID, nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", _ID, nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("recorded_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_change")),
    )
    with op.batch_alter_table("welfare_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_welfare_change_entity", ["entity", "entity_id", "id"], unique=False
        )
    protect("welfare_change")

    op.create_table(
        "welfare_application",
        sa.Column("id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("child_person_id", _ID, nullable=False),
        sa.Column("applicant_person_id", _ID, nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=False),
        sa.Column("reason_en", sa.String(length=300), nullable=False),
        sa.Column("reason_ko", sa.String(length=300), nullable=False),
        sa.Column("monthly_amount", sa.BigInteger(), nullable=True),
        sa.Column("lump_sum", sa.BigInteger(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("step_key", sa.String(length=128), nullable=True),
        sa.Column("case_reference", sa.String(length=128), nullable=True),
        sa.Column("decided_at", _AT, nullable=False),
        sa.CheckConstraint(_KINDS, name=op.f("ck_welfare_application_kind")),
        sa.CheckConstraint(
            "decision IN ('granted', 'refused', 'deferred')",
            name=op.f("ck_welfare_application_decision"),
        ),
        sa.CheckConstraint(_AMOUNTS, name=op.f("ck_welfare_application_amounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_application")),
    )
    with op.batch_alter_table("welfare_application", schema=None) as batch_op:
        batch_op.create_index(
            "ix_welfare_application_child", ["child_person_id", "kind"], unique=False
        )
        batch_op.create_index(
            "ix_welfare_application_applicant",
            ["applicant_person_id", "submitted_on"],
            unique=False,
        )

    op.create_table(
        "welfare_benefit",
        sa.Column("id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("beneficiary_person_id", _ID, nullable=False),
        sa.Column("recipient_person_id", _ID, nullable=False),
        sa.Column("application_id", _ID, nullable=True),
        sa.Column("monthly_amount", sa.BigInteger(), nullable=True),
        sa.Column("lump_sum", sa.BigInteger(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("stopped_on", sa.Date(), nullable=True),
        sa.Column("stop_reason", sa.String(length=40), nullable=True),
        sa.Column("stop_note", sa.String(length=200), nullable=True),
        sa.CheckConstraint(_KINDS, name=op.f("ck_welfare_benefit_kind")),
        sa.CheckConstraint(
            "status IN ('active', 'stopped', 'ended')", name=op.f("ck_welfare_benefit_status")
        ),
        sa.CheckConstraint(_ONE_AMOUNT, name=op.f("ck_welfare_benefit_one_amount")),
        sa.CheckConstraint(_AMOUNTS, name=op.f("ck_welfare_benefit_amounts")),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on > starts_on", name=op.f("ck_welfare_benefit_period")
        ),
        sa.CheckConstraint(_STOPPED, name=op.f("ck_welfare_benefit_stopped")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["welfare_application.id"],
            name=op.f("fk_welfare_benefit_application_id_welfare_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_benefit")),
    )
    with op.batch_alter_table("welfare_benefit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_welfare_benefit_recipient", ["recipient_person_id", "starts_on"], unique=False
        )
        batch_op.create_index(
            "ix_welfare_benefit_beneficiary", ["beneficiary_person_id", "kind"], unique=False
        )

    op.create_table(
        "welfare_insurance_record",
        sa.Column("id", _ID, nullable=False),
        sa.Column("event_id", _ID, nullable=False),
        sa.Column("employment_id", _ID, nullable=False),
        sa.Column("business_id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("received_at", _AT, nullable=False),
        sa.CheckConstraint(
            "kind IN ('acquired', 'lost')", name=op.f("ck_welfare_insurance_record_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_insurance_record")),
        sa.UniqueConstraint("event_id", name=op.f("uq_welfare_insurance_record_event_id")),
    )
    with op.batch_alter_table("welfare_insurance_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_welfare_insurance_record_person", ["person_id", "occurred_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("welfare_insurance_record", schema=None) as batch_op:
        batch_op.drop_index("ix_welfare_insurance_record_person")
    op.drop_table("welfare_insurance_record")
    with op.batch_alter_table("welfare_benefit", schema=None) as batch_op:
        batch_op.drop_index("ix_welfare_benefit_beneficiary")
        batch_op.drop_index("ix_welfare_benefit_recipient")
    op.drop_table("welfare_benefit")
    with op.batch_alter_table("welfare_application", schema=None) as batch_op:
        batch_op.drop_index("ix_welfare_application_applicant")
        batch_op.drop_index("ix_welfare_application_child")
    op.drop_table("welfare_application")
    unprotect("welfare_change")
    with op.batch_alter_table("welfare_change", schema=None) as batch_op:
        batch_op.drop_index("ix_welfare_change_entity")
    op.drop_table("welfare_change")
