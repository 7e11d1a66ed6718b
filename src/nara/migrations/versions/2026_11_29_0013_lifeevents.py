"""One-stop life-event cases and their steps; applied step keys.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import nara.core.models
from nara.migrations.append_only import protect, unprotect

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = nara.core.models.UtcDateTime(timezone=True)
_JSON = nara.core.models.JsonData


def upgrade() -> None:
    op.create_table(
        "core_applied_step",
        sa.Column("id", _ID, nullable=False),
        sa.Column("scope", sa.String(length=96), nullable=False),
        sa.Column("step_key", sa.String(length=128), nullable=False),
        sa.Column("answer", _JSON, nullable=False),
        sa.Column("applied_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_applied_step")),
        sa.UniqueConstraint("scope", "step_key", name=op.f("uq_core_applied_step_scope_step_key")),
    )
    op.create_table(
        "lifeevents_case",
        sa.Column("id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("applicant_person_id", _ID, nullable=False),
        sa.Column("applicant_account_id", _ID, nullable=True),
        sa.Column("report", _JSON, nullable=False),
        sa.Column("outcome", _JSON, nullable=False),
        sa.Column("confirmer_person_id", _ID, nullable=True),
        sa.Column("confirmed_at", _AT, nullable=True),
        sa.Column("submitted_at", _AT, nullable=False),
        sa.Column("updated_at", _AT, nullable=False),
        sa.Column("finished_at", _AT, nullable=True),
        sa.CheckConstraint(
            "kind IN ('moving-in', 'birth', 'death', 'inheritance', 'employment')",
            name=op.f("ck_lifeevents_case_kind"),
        ),
        sa.CheckConstraint(
            "state IN ('awaiting_confirmation', 'running', 'done', 'attention', 'failed', 'cancelled')",
            name=op.f("ck_lifeevents_case_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifeevents_case")),
    )
    with op.batch_alter_table("lifeevents_case", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lifeevents_case_applicant", ["applicant_person_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_lifeevents_case_confirmer", ["confirmer_person_id", "state"], unique=False
        )
        batch_op.create_index("ix_lifeevents_case_state", ["state", "kind"], unique=False)

    op.create_table(
        "lifeevents_change",
        sa.Column("id", _ID, nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", _ID, nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("recorded_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifeevents_change")),
    )
    with op.batch_alter_table("lifeevents_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lifeevents_change_entity", ["entity", "entity_id", "id"], unique=False
        )

    op.create_table(
        "lifeevents_postal_forwarding",
        sa.Column("id", _ID, nullable=False),
        sa.Column("case_id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("from_address", _JSON, nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("requested_at", _AT, nullable=False),
        sa.Column("sido_code", sa.String(length=2), nullable=False),
        sa.Column("sigungu_code", sa.String(length=5), nullable=False),
        sa.Column("road_name", sa.String(length=60), nullable=False),
        sa.Column("building_main", sa.SmallInteger(), nullable=False),
        sa.Column("building_sub", sa.SmallInteger(), nullable=False),
        sa.Column("address_detail", sa.String(length=100), nullable=False),
        sa.Column("postcode", sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["lifeevents_case.id"],
            name=op.f("fk_lifeevents_postal_forwarding_case_id_lifeevents_case"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifeevents_postal_forwarding")),
        sa.UniqueConstraint("case_id", name=op.f("uq_lifeevents_postal_forwarding_case_id")),
    )
    with op.batch_alter_table("lifeevents_postal_forwarding", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lifeevents_postal_forwarding_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "lifeevents_step",
        sa.Column("id", _ID, nullable=False),
        sa.Column("case_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=24), nullable=False),
        sa.Column("service", sa.String(length=96), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("params", _JSON, nullable=False),
        sa.Column("keyed", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _AT, nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_en", sa.String(length=1000), nullable=True),
        sa.Column("error_ko", sa.String(length=1000), nullable=True),
        sa.Column("answer", _JSON, nullable=True),
        sa.Column("finished_at", _AT, nullable=True),
        sa.Column("resolved_by", sa.String(length=96), nullable=True),
        sa.Column("resolution_note", sa.String(length=1000), nullable=True),
        sa.CheckConstraint(
            "state IN ('waiting', 'due', 'done', 'failed', 'attention', 'resolved', 'cancelled')",
            name=op.f("ck_lifeevents_step_state"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["lifeevents_case.id"],
            name=op.f("fk_lifeevents_step_case_id_lifeevents_case"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifeevents_step")),
        sa.UniqueConstraint("case_id", "name", name=op.f("uq_lifeevents_step_case_id_name")),
    )
    with op.batch_alter_table("lifeevents_step", schema=None) as batch_op:
        batch_op.create_index("ix_lifeevents_step_due", ["state", "next_attempt_at"], unique=False)
    protect("lifeevents_change")


def downgrade() -> None:
    unprotect("lifeevents_change")
    for table in (
        "lifeevents_step",
        "lifeevents_postal_forwarding",
        "lifeevents_change",
        "lifeevents_case",
    ):
        op.drop_table(table)
    op.drop_table("core_applied_step")
