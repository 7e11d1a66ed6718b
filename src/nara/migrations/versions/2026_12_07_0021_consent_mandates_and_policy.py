"""Consent: the mandates under which a system may act for an individual, and the policy.

- `exchange_consent_mandate`: who may give or withdraw consent for an individual besides
  himself (the holder, an API token's actor), on what power and document, and when.
- `exchange_consent_policy`: the policy that governs the data agreements (GovStack
  `Policy`), seeded with the platform's one policy (id 1).
- `exchange_consent_revision.actor` holds up to 160 characters: a revision written under a
  mandate names the holder and the mandate (`token:<name> (mandate <uid>)`). The table stays
  append-only (its triggers are dropped and made again around the change on SQLite, whose
  batch mode copies the table).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import nara.core.models
from nara.migrations.append_only import protect, unprotect

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = nara.core.models.UtcDateTime(timezone=True)
_SEEDED_AT = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)

PLATFORM_POLICY = {
    "id": 1,
    "name_en": "Nara information-sharing privacy policy",
    "name_ko": "나라 정보공유 개인정보 처리방침",
    "version": "1",
    "path": "/api/consent/config/policy/1/",
    "jurisdiction": "KR",
    "industry_sector": "public administration",
    "data_retention_period_days": 1825,
    "geographic_restriction": "KR",
    "storage_location": "KR",
    "created_at": _SEEDED_AT,
    "updated_at": _SEEDED_AT,
}


def _revision_actor(length: int) -> None:
    unprotect("exchange_consent_revision")
    with op.batch_alter_table("exchange_consent_revision", schema=None) as batch_op:
        batch_op.alter_column(
            "actor",
            existing_type=sa.String(length=160 if length == 96 else 96),
            type_=sa.String(length=length),
            existing_nullable=False,
        )
    protect("exchange_consent_revision")


def upgrade() -> None:
    op.create_table(
        "exchange_consent_mandate",
        sa.Column("id", _ID, nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("person_id", _ID, nullable=False),
        sa.Column("holder", sa.String(length=110), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("document_reference", sa.String(length=200), nullable=False),
        sa.Column("valid_from", _AT, nullable=False),
        sa.Column("valid_until", _AT, nullable=True),
        sa.Column("recorded_by", sa.String(length=110), nullable=False),
        sa.Column("recorded_at", _AT, nullable=False),
        sa.Column("revoked_at", _AT, nullable=True),
        sa.Column("revoked_by", sa.String(length=110), nullable=True),
        sa.CheckConstraint(
            "kind IN ('legal_guardian', 'power_of_attorney', 'court_order')",
            name=op.f("ck_exchange_consent_mandate_kind"),
        ),
        sa.CheckConstraint(
            "document_reference <> ''",
            name=op.f("ck_exchange_consent_mandate_document_reference"),
        ),
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_until > valid_from",
            name=op.f("ck_exchange_consent_mandate_period"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_consent_mandate")),
        sa.UniqueConstraint("uid", name=op.f("uq_exchange_consent_mandate_uid")),
    )
    with op.batch_alter_table("exchange_consent_mandate", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_consent_mandate_person", ["person_id", "id"], unique=False
        )
        batch_op.create_index("ix_exchange_consent_mandate_holder", ["holder", "id"], unique=False)

    policy = op.create_table(
        "exchange_consent_policy",
        sa.Column("id", _ID, nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_ko", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("jurisdiction", sa.String(length=64), nullable=False),
        sa.Column("industry_sector", sa.String(length=120), nullable=False),
        sa.Column("data_retention_period_days", sa.Integer(), nullable=False),
        sa.Column("geographic_restriction", sa.String(length=64), nullable=True),
        sa.Column("storage_location", sa.String(length=64), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("updated_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_consent_policy")),
    )
    op.bulk_insert(policy, [PLATFORM_POLICY])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('exchange_consent_policy', 'id'), "
            "(SELECT max(id) FROM exchange_consent_policy))"
        )
    _revision_actor(160)


def downgrade() -> None:
    # Fails on PostgreSQL if a revision names a mandate (its actor is longer than 96).
    _revision_actor(96)
    op.drop_table("exchange_consent_policy")
    with op.batch_alter_table("exchange_consent_mandate", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_consent_mandate_holder")
        batch_op.drop_index("ix_exchange_consent_mandate_person")
    op.drop_table("exchange_consent_mandate")
