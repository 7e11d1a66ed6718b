"""The exchange directory: members, subsystems, services, access rights and their change log.

Revision ID: 0004
Revises: 0003
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

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_change",
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_change")),
    )
    with op.batch_alter_table("exchange_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_change_entity", ["entity", "entity_id", "id"], unique=False
        )

    op.create_table(
        "exchange_member",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("xroad_id", sa.String(length=800), nullable=False),
        sa.Column("instance", sa.String(length=255), nullable=False),
        sa.Column("member_class", sa.String(length=255), nullable=False),
        sa.Column("member_code", sa.String(length=255), nullable=False),
        sa.Column("name_ko", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("created_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_member")),
        sa.UniqueConstraint("xroad_id", name=op.f("uq_exchange_member_xroad_id")),
    )
    op.create_table(
        "exchange_subsystem",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("xroad_id", sa.String(length=1100), nullable=False),
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("subsystem_code", sa.String(length=255), nullable=False),
        sa.Column("created_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["exchange_member.id"],
            name=op.f("fk_exchange_subsystem_member_id_exchange_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_subsystem")),
        sa.UniqueConstraint("xroad_id", name=op.f("uq_exchange_subsystem_xroad_id")),
    )
    with op.batch_alter_table("exchange_subsystem", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_subsystem_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "exchange_service",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("xroad_id", sa.String(length=1700), nullable=False),
        sa.Column(
            "subsystem_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("service_code", sa.String(length=255), nullable=False),
        sa.Column("version", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("openapi_url", sa.String(length=1000), nullable=True),
        sa.Column("openapi_text", sa.Text(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subsystem_id"],
            ["exchange_subsystem.id"],
            name=op.f("fk_exchange_service_subsystem_id_exchange_subsystem"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_service")),
        sa.UniqueConstraint("xroad_id", name=op.f("uq_exchange_service_xroad_id")),
    )
    with op.batch_alter_table("exchange_service", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_service_subsystem_id"), ["subsystem_id"], unique=False
        )

    op.create_table(
        "exchange_access_right",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "service_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("method", sa.String(length=10), nullable=True),
        sa.Column("path", sa.String(length=1000), nullable=True),
        sa.Column("granted_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.String(length=96), nullable=False),
        sa.Column("revoked_at", nara.core.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=96), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["exchange_subsystem.id"],
            name=op.f("fk_exchange_access_right_client_id_exchange_subsystem"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["exchange_service.id"],
            name=op.f("fk_exchange_access_right_service_id_exchange_service"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_access_right")),
    )
    with op.batch_alter_table("exchange_access_right", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_access_right_client", ["client_id", "service_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_access_right_service_id"), ["service_id"], unique=False
        )
    protect("exchange_change")


def downgrade() -> None:
    unprotect("exchange_change")
    with op.batch_alter_table("exchange_access_right", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_access_right_service_id"))
        batch_op.drop_index("ix_exchange_access_right_client")

    op.drop_table("exchange_access_right")
    with op.batch_alter_table("exchange_service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_service_subsystem_id"))

    op.drop_table("exchange_service")
    with op.batch_alter_table("exchange_subsystem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_subsystem_member_id"))

    op.drop_table("exchange_subsystem")
    op.drop_table("exchange_member")
    with op.batch_alter_table("exchange_change", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_change_entity")

    op.drop_table("exchange_change")
