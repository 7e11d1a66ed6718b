"""Identity: citizens and officials, credentials, sessions, sign-in audit.

Revision ID: 0009
Revises: 0008
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

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("identity_audit", "identity_change")


def upgrade() -> None:
    op.create_table(
        "identity_account",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("rrn_index", sa.LargeBinary(length=16), nullable=True),
        sa.Column("login", sa.String(length=64), nullable=True),
        sa.Column("agency", sa.String(length=32), nullable=True),
        sa.Column("roles", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("totp_secret", sa.LargeBinary(), nullable=True),
        sa.Column("totp_confirmed_at", nara.core.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "totp_last_step", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", nara.core.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", nara.core.models.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(kind = 'citizen' AND person_id IS NOT NULL AND agency IS NULL) OR (kind = 'official' AND login IS NOT NULL AND agency IS NOT NULL)",
            name=op.f("ck_identity_account_binding"),
        ),
        sa.CheckConstraint(
            "kind IN ('citizen', 'official')", name=op.f("ck_identity_account_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_account")),
        sa.UniqueConstraint("login", name=op.f("uq_identity_account_login")),
        sa.UniqueConstraint("person_id", name=op.f("uq_identity_account_person_id")),
        sa.UniqueConstraint("rrn_index", name=op.f("uq_identity_account_rrn_index")),
    )
    op.create_table(
        "identity_audit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("event", sa.String(length=48), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_audit")),
    )
    with op.batch_alter_table("identity_audit", schema=None) as batch_op:
        batch_op.create_index("ix_identity_audit_account", ["account_id", "id"], unique=False)

    op.create_table(
        "identity_change",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column(
            "entity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("recorded_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_change")),
    )
    with op.batch_alter_table("identity_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_identity_change_entity", ["entity", "entity_id", "id"], unique=False
        )

    op.create_table(
        "identity_passkey",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("credential_id", sa.LargeBinary(length=1023), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column(
            "sign_count", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", nara.core.models.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["identity_account.id"],
            name=op.f("fk_identity_passkey_account_id_identity_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_passkey")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_identity_passkey_credential_id")),
    )
    with op.batch_alter_table("identity_passkey", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_passkey_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "identity_pending",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("challenge", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", nara.core.models.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('passkey_signin', 'passkey_register', 'totp_signin')",
            name=op.f("ck_identity_pending_purpose"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["identity_account.id"],
            name=op.f("fk_identity_pending_account_id_identity_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_pending")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_identity_pending_token_sha256")),
    )
    with op.batch_alter_table("identity_pending", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_pending_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "identity_session",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.Column("created_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", nara.core.models.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["identity_account.id"],
            name=op.f("fk_identity_session_account_id_identity_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_session")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_identity_session_token_sha256")),
    )
    with op.batch_alter_table("identity_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_session_account_id"), ["account_id"], unique=False
        )
    for table in APPEND_ONLY:
        protect(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        unprotect(table)
    with op.batch_alter_table("identity_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_session_account_id"))

    op.drop_table("identity_session")
    with op.batch_alter_table("identity_pending", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_pending_account_id"))

    op.drop_table("identity_pending")
    with op.batch_alter_table("identity_passkey", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_passkey_account_id"))

    op.drop_table("identity_passkey")
    with op.batch_alter_table("identity_change", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_change_entity")

    op.drop_table("identity_change")
    with op.batch_alter_table("identity_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_audit_account")

    op.drop_table("identity_audit")
    op.drop_table("identity_account")
