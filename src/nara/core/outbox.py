"""The transactional outbox: events are rows written in the same transaction as the change.

A change and its announcement commit together or not at all; `nara worker` (a later part of
the exchange) delivers unpublished rows to subscribers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.clock import Clock
from nara.core.models import Base, BigId


class OutboxEvent(Base):
    """An event waiting for delivery (`resident.moved`, `vehicle.transferred`, ...)."""

    __tablename__ = "core_outbox"
    __table_args__ = (Index("ix_core_outbox_unpublished", "published_at", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(32))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    occurred_at: Mapped[dt.datetime]
    published_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)


def emit(
    session: Session,
    clock: Clock,
    *,
    event_type: str,
    subject_type: str,
    subject_id: str | int,
    payload: dict[str, Any],
) -> OutboxEvent:
    """Add an event to the session's transaction. The source is the event's prefix."""
    event = OutboxEvent(
        event_type=event_type,
        source=event_type.split(".", 1)[0],
        subject_type=subject_type,
        subject_id=str(subject_id),
        payload=payload,
        occurred_at=clock.now(),
        published_at=None,
        attempts=0,
    )
    session.add(event)
    return event
