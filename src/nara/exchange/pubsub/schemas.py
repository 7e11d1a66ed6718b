"""Bodies of the publish/subscribe API, shaped after the GovStack Information Mediator
pub/sub API (`SubscriptionItem`, `EventItem`), in snake case like the rest of Nara's API.

Delivery is `PUSH` or `PULL` as in GovStack; a push names its target, an in-process
`consumer` or a `url`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from nara.core.outbox import OutboxEvent
from nara.core.pagination import Page
from nara.exchange.pubsub.delivery import Event
from nara.exchange.pubsub.models import PubsubDelivery, PubsubSubscription
from nara.exchange.trust.identifiers import SubsystemId

Delivery = Literal["PUSH", "PULL"]


class EventTypeRead(BaseModel):
    event_type: str = Field(examples=["resident.moved"])
    publisher: str = Field(description="The event type's prefix (its source).")
    description: str


class SubscriberId(BaseModel):
    """The subscriber in parts (GovStack `subscriberId`)."""

    instance_id: str
    member_class: str
    member_code: str
    application_code: str


class SubscriptionCreate(BaseModel):
    subscriber: str = Field(
        examples=["KR/GOV/NTS/business"], description="INSTANCE/CLASS/MEMBER/SUBSYSTEM"
    )
    event_type: str = Field(examples=["resident.moved"])
    delivery: Delivery = "PUSH"
    consumer: str | None = Field(
        default=None, max_length=200, description="An in-process consumer (push only)."
    )
    url: str | None = Field(
        default=None, max_length=1000, description="An http(s) URL to POST to (push only)."
    )


class SubscriptionUpdate(BaseModel):
    """The new delivery of a subscription (its subscriber and event type do not change)."""

    delivery: Delivery
    consumer: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=1000)


class SubscriptionRead(BaseModel):
    id: int
    subscriber: str
    subscriber_id: SubscriberId
    event_type: str
    delivery: Delivery
    consumer: str | None
    url: str | None
    active: bool
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    cancelled_at: dt.datetime | None

    @classmethod
    def of(cls, row: PubsubSubscription) -> SubscriptionRead:
        parsed = SubsystemId.parse(row.subscriber)
        return cls(
            id=row.id,
            subscriber=row.subscriber,
            subscriber_id=SubscriberId(
                instance_id=parsed.instance,
                member_class=parsed.member_class,
                member_code=parsed.member_code,
                application_code=parsed.subsystem_code,
            ),
            event_type=row.event_type,
            delivery="PUSH" if row.mode == "push" else "PULL",
            consumer=row.consumer,
            url=row.url,
            active=row.active,
            created_at=row.created_at,
            created_by=row.created_by,
            updated_at=row.updated_at,
            cancelled_at=row.cancelled_at,
        )


class EventItem(BaseModel):
    """An event as pushed and pulled (GovStack `EventItem`); `id` is the idempotency key."""

    id: int
    sequence: int
    event_type: str
    publisher: str
    subject_type: str
    subject_id: str
    occurred_at: dt.datetime
    event: dict[str, Any]

    @classmethod
    def of(cls, row: OutboxEvent) -> EventItem:
        return cls.model_validate(Event.of(row).as_json())


class DeliveryRead(BaseModel):
    id: int
    subscription_id: int
    event_id: int
    state: Literal["pending", "acked", "dead", "cancelled"]
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    created_at: dt.datetime
    acked_at: dt.datetime | None

    @classmethod
    def of(cls, row: PubsubDelivery) -> DeliveryRead:
        return cls.model_validate(row, from_attributes=True)


class EventTypePage(Page[EventTypeRead]):
    pass


class SubscriptionPage(Page[SubscriptionRead]):
    pass


class EventPage(Page[EventItem]):
    pass


class DeliveryPage(Page[DeliveryRead]):
    pass
