"""Documents: issued certificates, their verification and shares.

Revision ID: 0010
Revises: 0009
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

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "documents_change",
        sa.Column("id", _ID, nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", _ID, nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("recorded_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents_change")),
    )
    with op.batch_alter_table("documents_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_documents_change_entity", ["entity", "entity_id", "id"], unique=False
        )

    op.create_table(
        "documents_issuance",
        sa.Column("id", _ID, nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("key_digest", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_person_id", _ID, nullable=False),
        sa.Column("requester", sa.String(length=96), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("signer_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("issued_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("revoked_at", nara.core.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=500), nullable=True),
        sa.Column("content", _JSON, nullable=False),
        sa.CheckConstraint(
            "status IN ('valid', 'revoked')", name=op.f("ck_documents_issuance_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents_issuance")),
        sa.UniqueConstraint("number", name=op.f("uq_documents_issuance_number")),
    )
    with op.batch_alter_table("documents_issuance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_issuance_sha256"), ["sha256"], unique=False)
        batch_op.create_index(
            "ix_documents_issuance_subject", ["subject_person_id", "issued_at"], unique=False
        )

    op.create_table(
        "documents_file",
        sa.Column("issuance_id", _ID, nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuance_id"],
            ["documents_issuance.id"],
            name=op.f("fk_documents_file_issuance_id_documents_issuance"),
        ),
        sa.PrimaryKeyConstraint("issuance_id", name=op.f("pk_documents_file")),
    )
    protect("documents_change")


def downgrade() -> None:
    unprotect("documents_change")
    op.drop_table("documents_file")
    with op.batch_alter_table("documents_issuance", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_issuance_subject")
        batch_op.drop_index(batch_op.f("ix_documents_issuance_sha256"))
    op.drop_table("documents_issuance")
    with op.batch_alter_table("documents_change", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_change_entity")
    op.drop_table("documents_change")
