"""Passports: applications, photos, passports issued, restrictions.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import nara.core.models
from nara.migrations.append_only import protect, unprotect

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = nara.core.models.UtcDateTime(timezone=True)
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_APPLICATION_STATUSES = "status IN ('draft', 'submitted', 'approved', 'rejected', 'issued')"


def upgrade() -> None:
    op.create_table(
        "passports_application",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("validity_years", sa.Integer(), nullable=False),
        sa.Column("guardian_person_id", _ID, nullable=True),
        sa.Column("replaces_passport_id", _ID, nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("fee_won", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("receipt_number", sa.String(length=32), nullable=True),
        sa.Column("paid_at", _AT, nullable=True),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("submitted_at", _AT, nullable=True),
        sa.Column("decided_at", _AT, nullable=True),
        sa.Column("decided_by", sa.String(length=96), nullable=True),
        sa.Column("decision_reason", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "kind IN ('new', 'reissue')", name=op.f("ck_passports_application_kind")
        ),
        sa.CheckConstraint("pages IN (26, 58)", name=op.f("ck_passports_application_pages")),
        sa.CheckConstraint(
            "validity_years IN (5, 10)", name=op.f("ck_passports_application_validity_years")
        ),
        sa.CheckConstraint(_APPLICATION_STATUSES, name=op.f("ck_passports_application_status")),
        sa.CheckConstraint("fee_won >= 0", name=op.f("ck_passports_application_fee_won")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passports_application")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_passports_application_receipt_number")),
    )
    with op.batch_alter_table("passports_application", schema=None) as batch_op:
        batch_op.create_index(
            "ix_passports_application_person", ["person_id", "status"], unique=False
        )

    op.create_table(
        "passports_photo",
        sa.Column("id", _ID, nullable=False),
        sa.Column("application_id", _ID, nullable=False),
        sa.Column("media_type", sa.String(length=16), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", _AT, nullable=False),
        sa.CheckConstraint(
            "media_type IN ('image/jpeg', 'image/png')",
            name=op.f("ck_passports_photo_media_type"),
        ),
        sa.CheckConstraint("width > 0 AND height > 0", name=op.f("ck_passports_photo_size")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["passports_application.id"],
            name=op.f("fk_passports_photo_application_id_passports_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passports_photo")),
        sa.UniqueConstraint("application_id", name=op.f("uq_passports_photo_application_id")),
    )

    op.create_table(
        "passports_passport",
        sa.Column("id", _ID, nullable=False),
        sa.Column("number", sa.String(length=9), nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("application_id", _ID, nullable=False),
        sa.Column("validity_years", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("invalidated_on", sa.Date(), nullable=True),
        sa.Column("lost_on", sa.Date(), nullable=True),
        sa.Column("loss_place", sa.String(length=200), nullable=True),
        sa.Column("loss_circumstances", sa.String(length=500), nullable=True),
        sa.Column("loss_reported_at", _AT, nullable=True),
        sa.CheckConstraint(
            "status IN ('valid', 'invalidated', 'lost')", name=op.f("ck_passports_passport_status")
        ),
        sa.CheckConstraint(
            "validity_years IN (5, 10)", name=op.f("ck_passports_passport_validity_years")
        ),
        sa.CheckConstraint("expires_on > issued_on", name=op.f("ck_passports_passport_expiry")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["passports_application.id"],
            name=op.f("fk_passports_passport_application_id_passports_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passports_passport")),
        sa.UniqueConstraint("number", name=op.f("uq_passports_passport_number")),
        sa.UniqueConstraint("application_id", name=op.f("uq_passports_passport_application_id")),
    )
    with op.batch_alter_table("passports_passport", schema=None) as batch_op:
        batch_op.create_index(
            "ix_passports_passport_person", ["person_id", "issued_on"], unique=False
        )

    op.create_table(
        "passports_restriction",
        sa.Column("id", _ID, nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("authority", sa.String(length=100), nullable=False),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("until_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.String(length=96), nullable=False),
        sa.Column("recorded_at", _AT, nullable=False),
        sa.CheckConstraint(
            "kind IN ('travel_ban', 'passport_restriction')",
            name=op.f("ck_passports_restriction_kind"),
        ),
        sa.CheckConstraint(
            "until_on IS NULL OR until_on >= from_on", name=op.f("ck_passports_restriction_period")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passports_restriction")),
    )
    with op.batch_alter_table("passports_restriction", schema=None) as batch_op:
        batch_op.create_index(
            "ix_passports_restriction_person", ["person_id", "from_on"], unique=False
        )

    op.create_table(
        "passports_change",
        sa.Column("id", _ID, nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", _ID, nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("recorded_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passports_change")),
    )
    with op.batch_alter_table("passports_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_passports_change_entity", ["entity", "entity_id", "id"], unique=False
        )
    protect("passports_change")


def downgrade() -> None:
    unprotect("passports_change")
    with op.batch_alter_table("passports_change", schema=None) as batch_op:
        batch_op.drop_index("ix_passports_change_entity")
    op.drop_table("passports_change")
    with op.batch_alter_table("passports_restriction", schema=None) as batch_op:
        batch_op.drop_index("ix_passports_restriction_person")
    op.drop_table("passports_restriction")
    with op.batch_alter_table("passports_passport", schema=None) as batch_op:
        batch_op.drop_index("ix_passports_passport_person")
    op.drop_table("passports_passport")
    op.drop_table("passports_photo")
    with op.batch_alter_table("passports_application", schema=None) as batch_op:
        batch_op.drop_index("ix_passports_application_person")
    op.drop_table("passports_application")
