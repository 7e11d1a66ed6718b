"""Applications: civil services, applications and their history, messages, notifications.

Revision ID: 0011
Revises: 0010
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

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
_AT = nara.core.models.UtcDateTime(timezone=True)
_STATUSES = "status IN ('draft', 'submitted', 'sent_back', 'approved', 'rejected', 'completed')"
_APPEND_ONLY = ("applications_change", "applications_status", "applications_message")


def _fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["application_id"],
        ["applications_application.id"],
        name=op.f(f"fk_{table}_application_id_applications_application"),
    )


def upgrade() -> None:
    op.create_table(
        "applications_change",
        sa.Column("id", _ID, nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", _ID, nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("recorded_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications_change")),
    )
    with op.batch_alter_table("applications_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_applications_change_entity", ["entity", "entity_id", "id"], unique=False
        )

    op.create_table(
        "applications_application",
        sa.Column("id", _ID, nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("service_code", sa.String(length=64), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("applicant_account_id", _ID, nullable=False),
        sa.Column("applicant_person_id", _ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("fields", _JSON, nullable=False),
        sa.Column("prefilled", _JSON, nullable=False),
        sa.Column("summary", _JSON, nullable=True),
        sa.Column("document_number", sa.String(length=19), nullable=True),
        sa.Column("decision_reason", sa.String(length=1000), nullable=True),
        sa.Column("decided_by", sa.String(length=96), nullable=True),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("updated_at", _AT, nullable=False),
        sa.Column("submitted_at", _AT, nullable=True),
        sa.Column("decided_at", _AT, nullable=True),
        sa.CheckConstraint(_STATUSES, name=op.f("ck_applications_application_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications_application")),
        sa.UniqueConstraint("number", name=op.f("uq_applications_application_number")),
    )
    with op.batch_alter_table("applications_application", schema=None) as batch_op:
        batch_op.create_index(
            "ix_applications_application_applicant",
            ["applicant_account_id", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_applications_application_queue",
            ["agency", "status", "submitted_at"],
            unique=False,
        )

    op.create_table(
        "applications_attachment",
        sa.Column("id", _ID, nullable=False),
        sa.Column("application_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", _AT, nullable=False),
        _fk("applications_attachment"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications_attachment")),
    )
    with op.batch_alter_table("applications_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_applications_attachment_application_id"),
            ["application_id"],
            unique=False,
        )

    op.create_table(
        "applications_payment",
        sa.Column("id", _ID, nullable=False),
        sa.Column("application_id", _ID, nullable=False),
        sa.Column("amount_won", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=24), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("paid_at", _AT, nullable=False),
        sa.CheckConstraint("method = 'simulated'", name=op.f("ck_applications_payment_method")),
        _fk("applications_payment"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications_payment")),
        sa.UniqueConstraint("application_id", name=op.f("uq_applications_payment_application_id")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_applications_payment_receipt_number")),
    )

    op.create_table(
        "applications_status",
        sa.Column("id", _ID, nullable=False),
        sa.Column("application_id", _ID, nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("changed_at", _AT, nullable=False),
        _fk("applications_status"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications_status")),
    )
    with op.batch_alter_table("applications_status", schema=None) as batch_op:
        batch_op.create_index(
            "ix_applications_status_application", ["application_id", "id"], unique=False
        )

    op.create_table(
        "applications_message",
        sa.Column("id", _ID, nullable=False),
        sa.Column("application_id", _ID, nullable=False),
        sa.Column("author_kind", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=96), nullable=False),
        sa.Column("author_name", sa.String(length=100), nullable=False),
        sa.Column("body", sa.String(length=2000), nullable=False),
        sa.Column("sent_at", _AT, nullable=False),
        sa.CheckConstraint(
            "author_kind IN ('citizen', 'official', 'system')",
            name=op.f("ck_applications_message_author_kind"),
        ),
        _fk("applications_message"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications_message")),
    )
    with op.batch_alter_table("applications_message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_applications_message_application", ["application_id", "id"], unique=False
        )

    op.create_table(
        "applications_inbox",
        sa.Column("id", _ID, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("application_id", _ID, nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.String(length=1000), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("read_at", _AT, nullable=True),
        sa.CheckConstraint(
            "kind IN ('status', 'message')", name=op.f("ck_applications_inbox_kind")
        ),
        _fk("applications_inbox"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications_inbox")),
    )
    with op.batch_alter_table("applications_inbox", schema=None) as batch_op:
        batch_op.create_index("ix_applications_inbox_account", ["account_id", "id"], unique=False)

    for table in _APPEND_ONLY:
        protect(table)


def downgrade() -> None:
    for table in _APPEND_ONLY:
        unprotect(table)
    for table, indexes in (
        ("applications_inbox", ["ix_applications_inbox_account"]),
        ("applications_message", ["ix_applications_message_application"]),
        ("applications_status", ["ix_applications_status_application"]),
        ("applications_payment", []),
        ("applications_attachment", ["ix_applications_attachment_application_id"]),
        (
            "applications_application",
            ["ix_applications_application_queue", "ix_applications_application_applicant"],
        ),
        ("applications_change", ["ix_applications_change_entity"]),
    ):
        if indexes:
            with op.batch_alter_table(table, schema=None) as batch_op:
                for index in indexes:
                    batch_op.drop_index(index)
        op.drop_table(table)
