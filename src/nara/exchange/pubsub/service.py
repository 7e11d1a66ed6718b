"""Rules of publish/subscribe: subscriptions, pulling and acknowledging, dead letters, and the
idempotency ledger consumers use (`first_time`).

Functions take keyword-only arguments and never commit. Changes to subscriptions and replays
are written to the exchange's change log with their `exchange.<action>` outbox event;
acknowledgements are delivery state, not register changes, and are not logged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.errors import Conflict, Forbidden, Invalid, Message, NotFound
from nara.core.history import record_change
from nara.core.outbox import OutboxEvent
from nara.exchange.directory_admin.models import ExchangeChange
from nara.exchange.members import subsystem_of
from nara.exchange.pubsub import repository
from nara.exchange.pubsub.models import (
    MODES,
    STATES,
    PubsubDelivery,
    PubsubProcessed,
    PubsubSubscription,
)
from nara.exchange.trust.identifiers import SubsystemId

URL_SCHEMES = frozenset({"http", "https"})


def _log(
    session: Session,
    clock: Clock,
    *,
    entity: str,
    entity_id: int,
    action: str,
    data: dict[str, Any],
    actor: str,
) -> None:
    record_change(
        session,
        clock,
        ExchangeChange,
        entity=entity,
        entity_id=entity_id,
        action=action,
        data=data,
        actor=actor,
        event_type=f"exchange.{action}",
    )
    session.flush()


# Look-ups ---------------------------------------------------------------------------------


def get_subscription(session: Session, subscription_id: int) -> PubsubSubscription:
    row = session.get(PubsubSubscription, subscription_id)
    if row is None:
        raise NotFound(
            "subscription_unknown",
            Message(f"No subscription {subscription_id}.", f"{subscription_id}번 구독이 없습니다."),
            {"subscription_id": subscription_id},
        )
    return row


def get_delivery(session: Session, delivery_id: int) -> PubsubDelivery:
    row = session.get(PubsubDelivery, delivery_id)
    if row is None:
        raise NotFound(
            "delivery_unknown",
            Message(f"No delivery {delivery_id}.", f"{delivery_id}번 전달 건이 없습니다."),
            {"delivery_id": delivery_id},
        )
    return row


def subscriptions(
    session: Session,
    *,
    subscriber: SubsystemId | None,
    event_type: str | None,
    include_cancelled: bool,
    offset: int,
    limit: int,
) -> tuple[list[PubsubSubscription], int]:
    return repository.subscriptions_page(
        session,
        subscriber=None if subscriber is None else str(subscriber),
        event_type=event_type,
        include_cancelled=include_cancelled,
        offset=offset,
        limit=limit,
    )


def deliveries(
    session: Session,
    *,
    state: str | None,
    subscription_id: int | None,
    offset: int,
    limit: int,
) -> tuple[list[PubsubDelivery], int]:
    if state is not None and state not in STATES:
        raise Invalid(
            "delivery_state_invalid",
            Message(
                f"A delivery state is one of {', '.join(STATES)}; got {state!r}.",
                f"전달 상태는 {', '.join(STATES)} 중 하나여야 합니다: {state!r}",
            ),
            {"field": "state"},
        )
    return repository.deliveries_page(
        session, state=state, subscription_id=subscription_id, offset=offset, limit=limit
    )


# Subscriptions -----------------------------------------------------------------------------


def _check_event_type(event_type: str, event_types: Mapping[str, str]) -> None:
    if event_type not in event_types:
        raise Invalid(
            "event_type_unknown",
            Message(
                f"No agency publishes the event type {event_type!r}.",
                f"'{event_type}' 이벤트 유형을 발행하는 기관이 없습니다.",
            ),
            {"field": "event_type", "event_type": event_type},
        )


def _check_target(
    *, mode: str, consumer: str | None, url: str | None, consumers: Collection[str] | None
) -> None:
    if mode not in MODES:
        raise Invalid(
            "delivery_mode_invalid",
            Message(
                f"Delivery is 'push' or 'pull'; got {mode!r}.",
                f"전달 방식은 'push' 또는 'pull'이어야 합니다: {mode!r}",
            ),
            {"field": "delivery"},
        )
    if mode == "pull":
        if consumer is not None or url is not None:
            raise Invalid(
                "pull_target_unexpected",
                Message(
                    "A pull subscription has no consumer and no URL: the subscriber pulls.",
                    "풀 방식 구독에는 소비자나 URL을 지정하지 않습니다: 구독자가 직접 가져갑니다.",
                ),
                {"field": "url" if url is not None else "consumer"},
            )
        return
    if (consumer is None) == (url is None):
        raise Invalid(
            "push_target_required",
            Message(
                "A push subscription names exactly one target: a consumer or a URL.",
                "푸시 방식 구독에는 소비자 또는 URL 중 정확히 하나를 지정해야 합니다.",
            ),
            {"field": "url"},
        )
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in URL_SCHEMES or not parts.hostname or not url.isprintable():
            raise Invalid(
                "url_invalid",
                Message(
                    f"A push URL is an absolute http(s) URL; got {url!r}.",
                    f"푸시 URL은 http(s) 절대 URL이어야 합니다: {url!r}",
                ),
                {"field": "url"},
            )
    if consumer is not None and consumers is not None and consumer not in consumers:
        raise Invalid(
            "consumer_unknown",
            Message(
                f"No in-process consumer is registered as {consumer!r}.",
                f"'{consumer}' 이름으로 등록된 내부 소비자가 없습니다.",
            ),
            {"field": "consumer"},
        )


def _describe(row: PubsubSubscription) -> dict[str, Any]:
    return {
        "subscriber": row.subscriber,
        "event_type": row.event_type,
        "mode": row.mode,
        "consumer": row.consumer,
        "url": row.url,
    }


def subscribe(
    session: Session,
    *,
    clock: Clock,
    actor: str,
    subscriber: SubsystemId,
    event_type: str,
    mode: str,
    consumer: str | None = None,
    url: str | None = None,
    event_types: Mapping[str, str],
    consumers: Collection[str] | None = None,
) -> PubsubSubscription:
    """Subscribe a subsystem to an event type (GovStack `addSub`).

    `event_types` is the catalogue of declared events (`event_type_unknown` otherwise);
    `consumers`, when given, the in-process consumers a push may name. 409
    `subscription_exists` when the subscriber already holds an active subscription to the
    type; a cancelled one is re-activated with the new delivery. Events are owed to the
    subscription from the next fan-out on.
    """
    _check_event_type(event_type, event_types)
    _check_target(mode=mode, consumer=consumer, url=url, consumers=consumers)
    now = clock.now()
    row = repository.find_subscription(session, subscriber=str(subscriber), event_type=event_type)
    if row is not None and row.active:
        raise Conflict(
            "subscription_exists",
            Message(
                f"{subscriber} already subscribes to {event_type}.",
                f"{subscriber}은(는) 이미 {event_type}을(를) 구독하고 있습니다.",
            ),
            {"subscription_id": row.id},
        )
    if row is None:
        row = PubsubSubscription(
            subscriber=str(subscriber),
            event_type=event_type,
            created_at=now,
            created_by=actor,
        )
        session.add(row)
    row.mode, row.consumer, row.url = mode, consumer, url
    row.active, row.cancelled_at, row.updated_at = True, None, now
    session.flush()
    _log(
        session,
        clock,
        entity="subscription",
        entity_id=row.id,
        action="subscription_added",
        data=_describe(row),
        actor=actor,
    )
    return row


def _active(session: Session, subscription_id: int) -> PubsubSubscription:
    row = get_subscription(session, subscription_id)
    if not row.active:
        raise Conflict(
            "subscription_cancelled",
            Message(
                f"Subscription {subscription_id} was cancelled.",
                f"{subscription_id}번 구독은 취소되었습니다.",
            ),
            {"subscription_id": subscription_id},
        )
    return row


def change_delivery(
    session: Session,
    *,
    clock: Clock,
    actor: str,
    subscription_id: int,
    mode: str,
    consumer: str | None = None,
    url: str | None = None,
    consumers: Collection[str] | None = None,
) -> PubsubSubscription:
    """Change how a subscription is delivered (GovStack `patchSub`); pending events follow."""
    row = _active(session, subscription_id)
    _check_target(mode=mode, consumer=consumer, url=url, consumers=consumers)
    row.mode, row.consumer, row.url, row.updated_at = mode, consumer, url, clock.now()
    session.flush()
    _log(
        session,
        clock,
        entity="subscription",
        entity_id=row.id,
        action="subscription_changed",
        data=_describe(row),
        actor=actor,
    )
    return row


def unsubscribe(
    session: Session, *, clock: Clock, actor: str, subscription_id: int
) -> PubsubSubscription:
    """Cancel a subscription (GovStack `deleteSub`); its pending deliveries are cancelled."""
    row = _active(session, subscription_id)
    now = clock.now()
    row.active, row.cancelled_at, row.updated_at = False, now, now
    session.execute(
        update(PubsubDelivery)
        .where(PubsubDelivery.subscription_id == row.id, PubsubDelivery.state == "pending")
        .values(state="cancelled")
        .execution_options(synchronize_session=False)
    )
    session.flush()
    _log(
        session,
        clock,
        entity="subscription",
        entity_id=row.id,
        action="subscription_cancelled",
        data=_describe(row),
        actor=actor,
    )
    return row


# Pull and acknowledge ----------------------------------------------------------------------


def _pull_subscription(
    session: Session, *, subscription_id: int, subscriber: SubsystemId
) -> PubsubSubscription:
    row = _active(session, subscription_id)
    if row.subscriber != str(subscriber):
        raise Forbidden(
            "subscriber_mismatch",
            Message(
                f"Subscription {subscription_id} belongs to another subscriber.",
                f"{subscription_id}번 구독은 다른 구독자의 것입니다.",
            ),
            {"subscription_id": subscription_id},
        )
    if row.mode != "pull":
        raise Conflict(
            "subscription_not_pull",
            Message(
                f"Subscription {subscription_id} is delivered by push; there is nothing to pull.",
                f"{subscription_id}번 구독은 푸시 방식이라 가져갈 이벤트가 없습니다.",
            ),
            {"subscription_id": subscription_id},
        )
    return row


def pending_events(
    session: Session, *, subscription_id: int, subscriber: SubsystemId, offset: int, limit: int
) -> tuple[list[OutboxEvent], int]:
    """The unacknowledged events of a pull subscription, oldest first (GovStack `pullEvent`)."""
    row = _pull_subscription(session, subscription_id=subscription_id, subscriber=subscriber)
    return repository.pending_page(session, subscription_id=row.id, offset=offset, limit=limit)


def acknowledge(
    session: Session, *, clock: Clock, subscription_id: int, subscriber: SubsystemId, event_id: int
) -> PubsubDelivery:
    """Acknowledge one pulled event (GovStack `confirmEvent`); acknowledging twice is harmless.

    404 `event_not_owed` when the event was never owed to this subscription.
    """
    row = _pull_subscription(session, subscription_id=subscription_id, subscriber=subscriber)
    delivery = repository.find_delivery(session, subscription_id=row.id, event_id=event_id)
    if delivery is None or delivery.state in ("dead", "cancelled"):
        raise NotFound(
            "event_not_owed",
            Message(
                f"Event {event_id} is not pending for subscription {subscription_id}.",
                f"{event_id}번 이벤트는 {subscription_id}번 구독에 전달 대기 중이 아닙니다.",
            ),
            {"event_id": event_id},
        )
    if delivery.state == "pending":
        delivery.state, delivery.acked_at = "acked", clock.now()
        session.flush()
    return delivery


# Dead letters ------------------------------------------------------------------------------


def replay(session: Session, *, clock: Clock, actor: str, delivery_id: int) -> PubsubDelivery:
    """Put a dead delivery back in the queue, due now, with its attempts reset.

    404 `delivery_unknown`; 409 `delivery_not_dead`; 409 `subscription_cancelled` when its
    subscription no longer exists to receive it.
    """
    delivery = get_delivery(session, delivery_id)
    if delivery.state != "dead":
        raise Conflict(
            "delivery_not_dead",
            Message(
                f"Delivery {delivery_id} is {delivery.state}, not dead; only dead deliveries "
                "are replayed.",
                f"{delivery_id}번 전달 건은 {delivery.state} 상태입니다. 실패(dead) 상태만 "
                "재전송할 수 있습니다.",
            ),
            {"state": delivery.state},
        )
    _active(session, delivery.subscription_id)
    delivery.state, delivery.attempts, delivery.next_attempt_at = "pending", 0, clock.now()
    session.flush()
    _log(
        session,
        clock,
        entity="delivery",
        entity_id=delivery.id,
        action="delivery_replayed",
        data={"subscription_id": delivery.subscription_id, "event_id": delivery.event_id},
        actor=actor,
    )
    return delivery


# Consumers' idempotency --------------------------------------------------------------------


def first_time(
    session: Session, consumer: str, event_id: int, *, now: dt.datetime | None = None
) -> bool:
    """True the first time `consumer` sees `event_id`, False ever after.

    Call it inside the transaction that applies the consumer's effect: the ledger row then
    commits or rolls back with the effect, so the effect happens once however often the
    event is delivered (HTTP and pull deliveries are at least once)."""
    seen = select(PubsubProcessed.id).where(
        PubsubProcessed.consumer == consumer, PubsubProcessed.event_id == event_id
    )
    if session.scalar(seen) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(
                PubsubProcessed(
                    consumer=consumer,
                    event_id=event_id,
                    processed_at=now or dt.datetime.now(dt.UTC),
                )
            )
    except IntegrityError:
        # Another transaction recorded the same event first (and has committed).
        return False
    return True


def subscribe_declared(
    session: Session,
    *,
    clock: Clock,
    declared: Mapping[str, Mapping[str, str]],
    event_types: Mapping[str, str],
    consumers: Collection[str] | None = None,
) -> list[PubsubSubscription]:
    """Subscribe each agency's in-process consumers to the events it declares it follows
    (`SUBSCRIPTIONS` in its exchange module: event type → consumer), once per install.

    A (subscriber, event type) that has any subscription row — even one an operator
    cancelled — is left alone, so an operator's decision stands across restarts.
    """
    made: list[PubsubSubscription] = []
    for agency, follows in sorted(declared.items()):
        subscriber = subsystem_of(agency)
        for event_type, consumer in sorted(follows.items()):
            if repository.find_subscription(
                session, subscriber=str(subscriber), event_type=event_type
            ):
                continue
            made.append(
                subscribe(
                    session,
                    clock=clock,
                    actor="system:install",
                    subscriber=subscriber,
                    event_type=event_type,
                    mode="push",
                    consumer=consumer,
                    event_types=event_types,
                    consumers=consumers,
                )
            )
    return made
