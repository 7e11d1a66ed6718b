"""Consent: data agreements, consent records and their signed, hash-chained revisions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import nara.core.models
from nara.migrations.append_only import protect, unprotect

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "exchange_consent_change",
        sa.Column("id", _id(), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", _id(), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("data", _json(), nullable=False),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("recorded_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_consent_change")),
    )
    with op.batch_alter_table("exchange_consent_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_consent_change_entity", ["entity", "entity_id", "id"], unique=False
        )

    op.create_table(
        "exchange_consent_agreement",
        sa.Column("id", _id(), nullable=False),
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("service", sa.String(length=120), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("purpose_en", sa.Text(), nullable=False),
        sa.Column("purpose_ko", sa.Text(), nullable=False),
        sa.Column("lawful_basis", sa.String(length=32), nullable=False),
        sa.Column("legal_reference", sa.String(length=500), nullable=False),
        sa.Column("fields", _json(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "lawful_basis IN ('consent', 'contract', 'legal_obligation', 'vital_interest', "
            "'public_task', 'legitimate_interest')",
            name=op.f("ck_exchange_consent_agreement_lawful_basis"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_consent_agreement")),
        sa.UniqueConstraint("uid", name=op.f("uq_exchange_consent_agreement_uid")),
    )
    with op.batch_alter_table("exchange_consent_agreement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_consent_agreement_service", ["service", "purpose"], unique=True
        )

    op.create_table(
        "exchange_consent_record",
        sa.Column("id", _id(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("agreement_id", _id(), nullable=False),
        sa.Column("person_id", _id(), nullable=False),
        sa.Column("opt_in", sa.Boolean(), nullable=False),
        sa.Column("expires_at", nara.core.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("agreement_version", sa.Integer(), nullable=False),
        sa.Column("revisions", sa.Integer(), nullable=False),
        sa.Column("created_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["exchange_consent_agreement.id"],
            name=op.f("fk_exchange_consent_record_agreement_id_exchange_consent_agreement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_consent_record")),
        sa.UniqueConstraint("uid", name=op.f("uq_exchange_consent_record_uid")),
    )
    with op.batch_alter_table("exchange_consent_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_consent_record_agreement", ["agreement_id", "person_id"], unique=True
        )
        batch_op.create_index(
            "ix_exchange_consent_record_person", ["person_id", "id"], unique=False
        )

    op.create_table(
        "exchange_consent_revision",
        sa.Column("id", _id(), nullable=False),
        sa.Column("record_id", _id(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("state", _json(), nullable=False),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("recorded_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["exchange_consent_record.id"],
            name=op.f("fk_exchange_consent_revision_record_id_exchange_consent_record"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_consent_revision")),
    )
    with op.batch_alter_table("exchange_consent_revision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_consent_revision_record", ["record_id", "seq"], unique=True
        )
    protect("exchange_consent_change")
    protect("exchange_consent_revision")


def downgrade() -> None:
    unprotect("exchange_consent_revision")
    unprotect("exchange_consent_change")
    with op.batch_alter_table("exchange_consent_revision", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_consent_revision_record")

    op.drop_table("exchange_consent_revision")
    with op.batch_alter_table("exchange_consent_record", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_consent_record_person")
        batch_op.drop_index("ix_exchange_consent_record_agreement")

    op.drop_table("exchange_consent_record")
    with op.batch_alter_table("exchange_consent_agreement", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_consent_agreement_service")

    op.drop_table("exchange_consent_agreement")
    with op.batch_alter_table("exchange_consent_change", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_consent_change_entity")

    op.drop_table("exchange_consent_change")
