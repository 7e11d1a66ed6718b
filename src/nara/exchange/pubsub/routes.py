"""The publish/subscribe JSON API under /api/exchange/pubsub.

Shaped after the GovStack Information Mediator pub/sub API: the event types published
(`getEventTypeList`), subscriptions (`addSub`, `getSub`, `patchSub`, `deleteSub`, `listSub`),
pulling and confirming events (`pullEvent`, `confirmEvent`), plus the dead deliveries and
their replay. Reading needs `exchange:read`, changing `exchange:admin`; a subscriber pulls
and acknowledges its own events with `exchange:subscribe`, naming itself in the GovStack
`X-GovStack-Client` header.

The composition root provides the catalogue of declared event types as
`app.state.pubsub_event_types` (event type → description) and, optionally, the names of the
in-process consumers as `app.state.pubsub_consumers` (checked when a push names one).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, status

from nara.core.access import Caller, require
from nara.core.pagination import PageParams, page_params
from nara.core.web import ClockDep, DbSession
from nara.exchange.pubsub import service
from nara.exchange.pubsub.schemas import (
    DeliveryPage,
    DeliveryRead,
    EventItem,
    EventPage,
    EventTypePage,
    EventTypeRead,
    SubscriptionCreate,
    SubscriptionPage,
    SubscriptionRead,
    SubscriptionUpdate,
)
from nara.exchange.trust.identifiers import SubsystemId

router = APIRouter(prefix="/api/exchange/pubsub", tags=["exchange"])

Reader = Annotated[Caller, Depends(require("exchange:read"))]
Admin = Annotated[Caller, Depends(require("exchange:admin"))]
Subscriber = Annotated[Caller, Depends(require("exchange:subscribe"))]
Paging = Annotated[PageParams, Depends(page_params)]
ClientHeader = Annotated[
    str,
    Header(
        alias="X-GovStack-Client",
        description="The calling subscriber subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM.",
    ),
]


def get_event_types(request: Request) -> Mapping[str, str]:
    catalogue: Mapping[str, str] = getattr(request.app.state, "pubsub_event_types", {})
    return catalogue


def get_consumer_names(request: Request) -> Collection[str] | None:
    consumers: Collection[str] | None = getattr(request.app.state, "pubsub_consumers", None)
    return consumers


EventTypes = Annotated[Mapping[str, str], Depends(get_event_types)]
ConsumerNames = Annotated[Collection[str] | None, Depends(get_consumer_names)]


def _mode(delivery: str) -> str:
    return delivery.lower()


@router.get("/event-types")
def list_event_types(*, caller: Reader, event_types: EventTypes, params: Paging) -> EventTypePage:
    """The event types the agencies publish (GovStack `getEventTypeList`)."""
    items = [
        EventTypeRead(event_type=name, publisher=name.split(".", 1)[0], description=text)
        for name, text in sorted(event_types.items())
    ]
    return EventTypePage(
        items=items[params.offset : params.offset + params.size],
        page=params.page,
        size=params.size,
        total=len(items),
    )


@router.get("/subscriptions")
def list_subscriptions(
    *,
    caller: Reader,
    session: DbSession,
    params: Paging,
    subscriber: Annotated[str | None, Query(description="A subscriber subsystem id.")] = None,
    event_type: str | None = None,
    include_cancelled: bool = False,
) -> SubscriptionPage:
    """Subscriptions, optionally of one subscriber or to one event type (GovStack `listSub`)."""
    rows, total = service.subscriptions(
        session,
        subscriber=SubsystemId.parse(subscriber) if subscriber is not None else None,
        event_type=event_type,
        include_cancelled=include_cancelled,
        offset=params.offset,
        limit=params.size,
    )
    return SubscriptionPage(
        items=[SubscriptionRead.of(r) for r in rows],
        page=params.page,
        size=params.size,
        total=total,
    )


@router.post("/subscriptions", status_code=status.HTTP_201_CREATED)
def add_subscription(
    *,
    body: SubscriptionCreate,
    caller: Admin,
    session: DbSession,
    clock: ClockDep,
    event_types: EventTypes,
    consumers: ConsumerNames,
) -> SubscriptionRead:
    """Subscribe a subsystem to an event type, by push or pull (GovStack `addSub`)."""
    row = service.subscribe(
        session,
        clock=clock,
        actor=caller.actor,
        subscriber=SubsystemId.parse(body.subscriber),
        event_type=body.event_type,
        mode=_mode(body.delivery),
        consumer=body.consumer,
        url=body.url,
        event_types=event_types,
        consumers=consumers,
    )
    return SubscriptionRead.of(row)


@router.get("/subscriptions/{subscription_id}")
def get_subscription(
    *, subscription_id: int, caller: Reader, session: DbSession
) -> SubscriptionRead:
    """One subscription (GovStack `getSub`)."""
    return SubscriptionRead.of(service.get_subscription(session, subscription_id))


@router.patch("/subscriptions/{subscription_id}")
def change_subscription(
    *,
    subscription_id: int,
    body: SubscriptionUpdate,
    caller: Admin,
    session: DbSession,
    clock: ClockDep,
    consumers: ConsumerNames,
) -> SubscriptionRead:
    """Change how a subscription is delivered (GovStack `patchSub`)."""
    row = service.change_delivery(
        session,
        clock=clock,
        actor=caller.actor,
        subscription_id=subscription_id,
        mode=_mode(body.delivery),
        consumer=body.consumer,
        url=body.url,
        consumers=consumers,
    )
    return SubscriptionRead.of(row)


@router.delete("/subscriptions/{subscription_id}")
def cancel_subscription(
    *, subscription_id: int, caller: Admin, session: DbSession, clock: ClockDep
) -> SubscriptionRead:
    """Cancel a subscription and its pending deliveries (GovStack `deleteSub`)."""
    row = service.unsubscribe(
        session, clock=clock, actor=caller.actor, subscription_id=subscription_id
    )
    return SubscriptionRead.of(row)


@router.get("/subscriptions/{subscription_id}/events")
def pull_events(
    *,
    subscription_id: int,
    client: ClientHeader,
    caller: Subscriber,
    session: DbSession,
    params: Paging,
) -> EventPage:
    """The unacknowledged events of a pull subscription, oldest first (GovStack `pullEvent`)."""
    rows, total = service.pending_events(
        session,
        subscription_id=subscription_id,
        subscriber=SubsystemId.parse(client),
        offset=params.offset,
        limit=params.size,
    )
    return EventPage(
        items=[EventItem.of(r) for r in rows], page=params.page, size=params.size, total=total
    )


@router.post("/subscriptions/{subscription_id}/events/{event_id}/ack")
def ack_event(
    *,
    subscription_id: int,
    event_id: int,
    client: ClientHeader,
    caller: Subscriber,
    session: DbSession,
    clock: ClockDep,
) -> DeliveryRead:
    """Confirm a pulled event (GovStack `confirmEvent`); confirming twice is harmless."""
    row = service.acknowledge(
        session,
        clock=clock,
        subscription_id=subscription_id,
        subscriber=SubsystemId.parse(client),
        event_id=event_id,
    )
    return DeliveryRead.of(row)


@router.get("/deliveries")
def list_deliveries(
    *,
    caller: Reader,
    session: DbSession,
    params: Paging,
    state: Annotated[str | None, Query(description="pending, acked, dead or cancelled.")] = "dead",
    subscription_id: int | None = None,
) -> DeliveryPage:
    """Deliveries by state, dead ones unless asked otherwise (for review and replay)."""
    rows, total = service.deliveries(
        session,
        state=state,
        subscription_id=subscription_id,
        offset=params.offset,
        limit=params.size,
    )
    return DeliveryPage(
        items=[DeliveryRead.of(r) for r in rows], page=params.page, size=params.size, total=total
    )


@router.post("/deliveries/{delivery_id}/replay")
def replay_delivery(
    *, delivery_id: int, caller: Admin, session: DbSession, clock: ClockDep
) -> DeliveryRead:
    """Queue a dead delivery again, due now, with its attempts reset."""
    row = service.replay(session, clock=clock, actor=caller.actor, delivery_id=delivery_id)
    return DeliveryRead.of(row)
