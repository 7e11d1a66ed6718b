"""Documents: links that share an issued document with a third party.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import nara.core.models
from nara.migrations.append_only import protect, unprotect

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = nara.core.models.UtcDateTime(timezone=True)
_OUTCOMES = "outcome IN ('viewed', 'downloaded', 'used', 'expired', 'revoked', 'document_revoked')"


def upgrade() -> None:
    op.create_table(
        "documents_share",
        sa.Column("id", _ID, nullable=False),
        sa.Column("issuance_id", _ID, nullable=False),
        sa.Column("token_digest", sa.LargeBinary(), nullable=False),
        sa.Column("recipient_note", sa.String(length=100), nullable=True),
        sa.Column("created_by", sa.String(length=96), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("expires_at", _AT, nullable=False),
        sa.Column("used_at", _AT, nullable=True),
        sa.Column("revoked_at", _AT, nullable=True),
        sa.ForeignKeyConstraint(
            ["issuance_id"],
            ["documents_issuance.id"],
            name=op.f("fk_documents_share_issuance_id_documents_issuance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents_share")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_documents_share_token_digest")),
    )
    with op.batch_alter_table("documents_share", schema=None) as batch_op:
        batch_op.create_index(
            "ix_documents_share_issuance", ["issuance_id", "created_at"], unique=False
        )

    op.create_table(
        "documents_share_opening",
        sa.Column("id", _ID, nullable=False),
        sa.Column("share_id", _ID, nullable=False),
        sa.Column("opened_at", _AT, nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.CheckConstraint(_OUTCOMES, name=op.f("ck_documents_share_opening_outcome")),
        sa.ForeignKeyConstraint(
            ["share_id"],
            ["documents_share.id"],
            name=op.f("fk_documents_share_opening_share_id_documents_share"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents_share_opening")),
    )
    with op.batch_alter_table("documents_share_opening", schema=None) as batch_op:
        batch_op.create_index(
            "ix_documents_share_opening_share", ["share_id", "opened_at"], unique=False
        )
    protect("documents_share_opening")


def downgrade() -> None:
    unprotect("documents_share_opening")
    with op.batch_alter_table("documents_share_opening", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_share_opening_share")
    op.drop_table("documents_share_opening")
    with op.batch_alter_table("documents_share", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_share_issuance")
    op.drop_table("documents_share")
