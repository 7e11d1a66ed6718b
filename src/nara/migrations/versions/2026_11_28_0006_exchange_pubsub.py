"""Publish/subscribe: subscriptions and deliveries of registry events from the outbox.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import nara.core.models

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_pubsub_subscription",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("subscriber", sa.String(length=1100), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("consumer", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=96), nullable=False),
        sa.Column("updated_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", nara.core.models.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "mode IN ('push', 'pull')", name=op.f("ck_exchange_pubsub_subscription_mode")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_pubsub_subscription")),
        sa.UniqueConstraint(
            "subscriber",
            "event_type",
            name=op.f("uq_exchange_pubsub_subscription_subscriber_event_type"),
        ),
    )
    with op.batch_alter_table("exchange_pubsub_subscription", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_pubsub_subscription_type", ["event_type", "active"], unique=False
        )

    op.create_table(
        "exchange_pubsub_delivery",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "subscription_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("acked_at", nara.core.models.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'acked', 'dead', 'cancelled')",
            name=op.f("ck_exchange_pubsub_delivery_state"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["core_outbox.id"],
            name=op.f("fk_exchange_pubsub_delivery_event_id_core_outbox"),
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["exchange_pubsub_subscription.id"],
            name=op.f("fk_exchange_pubsub_delivery_subscription_id_exchange_pubsub_subscription"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_pubsub_delivery")),
        sa.UniqueConstraint(
            "subscription_id",
            "event_id",
            name=op.f("uq_exchange_pubsub_delivery_subscription_id_event_id"),
        ),
    )
    with op.batch_alter_table("exchange_pubsub_delivery", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exchange_pubsub_delivery_due", ["state", "next_attempt_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_exchange_pubsub_delivery_queue",
            ["subscription_id", "state", "event_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_pubsub_delivery_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "exchange_pubsub_processed",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("consumer", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("processed_at", nara.core.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_pubsub_processed")),
        sa.UniqueConstraint(
            "consumer", "event_id", name=op.f("uq_exchange_pubsub_processed_consumer_event_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("exchange_pubsub_processed")
    with op.batch_alter_table("exchange_pubsub_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_pubsub_delivery_event_id"))
        batch_op.drop_index("ix_exchange_pubsub_delivery_queue")
        batch_op.drop_index("ix_exchange_pubsub_delivery_due")

    op.drop_table("exchange_pubsub_delivery")
    with op.batch_alter_table("exchange_pubsub_subscription", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_pubsub_subscription_type")

    op.drop_table("exchange_pubsub_subscription")
