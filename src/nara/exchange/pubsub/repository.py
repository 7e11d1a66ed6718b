"""Queries of publish/subscribe: the only place that reads its tables (the worker's claims,
which are writes, live in `delivery`)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from nara.core.outbox import OutboxEvent
from nara.exchange.pubsub.models import PubsubDelivery, PubsubSubscription


def paged(
    session: Session, query: Select[Any], *, offset: int, limit: int
) -> tuple[list[Any], int]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return list(session.scalars(query.offset(offset).limit(limit))), int(total or 0)


def find_subscription(
    session: Session, *, subscriber: str, event_type: str
) -> PubsubSubscription | None:
    return session.scalar(
        select(PubsubSubscription).where(
            PubsubSubscription.subscriber == subscriber,
            PubsubSubscription.event_type == event_type,
        )
    )


def subscriptions_page(
    session: Session,
    *,
    subscriber: str | None,
    event_type: str | None,
    include_cancelled: bool,
    offset: int,
    limit: int,
) -> tuple[list[PubsubSubscription], int]:
    query = select(PubsubSubscription).order_by(PubsubSubscription.id)
    if subscriber is not None:
        query = query.where(PubsubSubscription.subscriber == subscriber)
    if event_type is not None:
        query = query.where(PubsubSubscription.event_type == event_type)
    if not include_cancelled:
        query = query.where(PubsubSubscription.active.is_(True))
    return paged(session, query, offset=offset, limit=limit)


def active_subscriptions(
    session: Session, event_types: Collection[str]
) -> list[PubsubSubscription]:
    """Active subscriptions to any of these event types, oldest first."""
    if not event_types:
        return []
    return list(
        session.scalars(
            select(PubsubSubscription)
            .where(
                PubsubSubscription.event_type.in_(sorted(event_types)),
                PubsubSubscription.active.is_(True),
            )
            .order_by(PubsubSubscription.id)
        )
    )


def pending_page(
    session: Session, *, subscription_id: int, offset: int, limit: int
) -> tuple[list[OutboxEvent], int]:
    """The events still owed to a subscription, in the order they were written."""
    query = (
        select(OutboxEvent)
        .join(PubsubDelivery, PubsubDelivery.event_id == OutboxEvent.id)
        .where(
            PubsubDelivery.subscription_id == subscription_id,
            PubsubDelivery.state == "pending",
        )
        .order_by(OutboxEvent.id)
    )
    return paged(session, query, offset=offset, limit=limit)


def find_delivery(
    session: Session, *, subscription_id: int, event_id: int
) -> PubsubDelivery | None:
    return session.scalar(
        select(PubsubDelivery).where(
            PubsubDelivery.subscription_id == subscription_id,
            PubsubDelivery.event_id == event_id,
        )
    )


def deliveries_page(
    session: Session,
    *,
    state: str | None,
    subscription_id: int | None,
    offset: int,
    limit: int,
) -> tuple[list[PubsubDelivery], int]:
    query = select(PubsubDelivery).order_by(PubsubDelivery.id)
    if state is not None:
        query = query.where(PubsubDelivery.state == state)
    if subscription_id is not None:
        query = query.where(PubsubDelivery.subscription_id == subscription_id)
    return paged(session, query, offset=offset, limit=limit)
