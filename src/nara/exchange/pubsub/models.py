"""Tables of publish/subscribe: subscriptions, deliveries, and consumers' processed events.

Events themselves stay in `core_outbox`; fan-out marks an outbox row `published_at` in the
same transaction as it writes that event's deliveries (one per matching subscription).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.models import Base, BigId

MODES = ("push", "pull")
STATES = ("pending", "acked", "dead", "cancelled")


class PubsubSubscription(Base):
    """A subscriber subsystem's subscription to one event type.

    One row per (subscriber, event type): cancelling sets `active` false, subscribing again
    re-activates the row. `push` delivers to an in-process `consumer` (by name) or to a `url`;
    `pull` keeps the events pending until the subscriber pulls and acknowledges them.
    """

    __tablename__ = "exchange_pubsub_subscription"
    __table_args__ = (
        UniqueConstraint("subscriber", "event_type"),
        CheckConstraint("mode IN ('push', 'pull')", name="mode"),
        Index("ix_exchange_pubsub_subscription_type", "event_type", "active"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subscriber: Mapped[str] = mapped_column(String(1100))
    event_type: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(8))
    consumer: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(1000))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(96))
    updated_at: Mapped[dt.datetime]
    cancelled_at: Mapped[dt.datetime | None]


class PubsubDelivery(Base):
    """One event owed to one subscription: pending until acknowledged, dead after too many
    failed attempts (until replayed), cancelled when the subscription is cancelled."""

    __tablename__ = "exchange_pubsub_delivery"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id"),
        CheckConstraint("state IN ('pending', 'acked', 'dead', 'cancelled')", name="state"),
        Index("ix_exchange_pubsub_delivery_due", "state", "next_attempt_at", "id"),
        Index("ix_exchange_pubsub_delivery_queue", "subscription_id", "state", "event_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("exchange_pubsub_subscription.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("core_outbox.id"), index=True)
    state: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    acked_at: Mapped[dt.datetime | None]


class PubsubProcessed(Base):
    """Events a consumer has already applied: the ledger behind `first_time`."""

    __tablename__ = "exchange_pubsub_processed"
    __table_args__ = (UniqueConstraint("consumer", "event_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    consumer: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[int] = mapped_column(BigInteger)
    processed_at: Mapped[dt.datetime]
