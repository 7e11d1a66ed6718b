"""Fan-out, retries with back-off, dead letters and replay, in-process and HTTP push."""

from __future__ import annotations

import datetime as dt
import http.server
import importlib
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from nara.app import AGENCIES
from nara.core.clock import FixedClock
from nara.core.errors import Conflict
from nara.core.outbox import OutboxEvent, emit
from nara.exchange.pubsub import (
    Consumers,
    Dispatcher,
    Event,
    RetryPolicy,
    Worker,
    backoff_seconds,
    declared_event_types,
    fan_out,
    first_time,
    replay,
    subscribe,
    unsubscribe,
)
from nara.exchange.pubsub.models import PubsubDelivery, PubsubSubscription
from nara.exchange.trust.identifiers import SubsystemId

NTS = SubsystemId.parse("KR/GOV/NTS/business")
MOLIT = SubsystemId.parse("KR/GOV/MOLIT/vehicles")
CATALOGUE = declared_event_types(
    [importlib.import_module(f"nara.{agency}.exchange") for agency in AGENCIES]
)


def _emit(session: Session, clock: FixedClock, event_type: str, subject: int = 1) -> OutboxEvent:
    event = emit(
        session,
        clock,
        event_type=event_type,
        subject_type="person",
        subject_id=subject,
        payload={"person_id": subject},
    )
    session.flush()
    return event


def _subscribe(
    session: Session,
    clock: FixedClock,
    event_type: str,
    *,
    subscriber: SubsystemId = NTS,
    mode: str = "push",
    consumer: str | None = "test.consumer",
    url: str | None = None,
) -> PubsubSubscription:
    return subscribe(
        session,
        clock=clock,
        actor="test",
        subscriber=subscriber,
        event_type=event_type,
        mode=mode,
        consumer=None if mode == "pull" or url else consumer,
        url=url,
        event_types=CATALOGUE,
    )


def _deliveries(session: Session) -> list[tuple[int, int, str]]:
    rows = session.execute(
        select(
            PubsubDelivery.subscription_id, PubsubDelivery.event_id, PubsubDelivery.state
        ).order_by(PubsubDelivery.event_id, PubsubDelivery.subscription_id)
    )
    return [(s, e, state) for s, e, state in rows]


def test_the_catalogue_holds_every_agencys_declared_events() -> None:
    assert {"resident.moved", "vehicle.transferred", "business.registered"} <= set(CATALOGUE)


def test_fan_out_writes_one_delivery_per_subscription_once(
    session: Session, clock: FixedClock
) -> None:
    push = _subscribe(session, clock, "resident.moved")
    pull = _subscribe(session, clock, "resident.moved", subscriber=MOLIT, mode="pull")
    other = _subscribe(session, clock, "vehicle.transferred")
    moved_1 = _emit(session, clock, "resident.moved", 1)
    registered = _emit(session, clock, "resident.registered", 2)
    moved_2 = _emit(session, clock, "resident.moved", 3)
    unpublished = select(func.count()).where(OutboxEvent.published_at.is_(None))
    # Subscribing wrote change-log events of its own (exchange.subscription_added).
    before = session.scalar(unpublished)

    first = fan_out(session, clock=clock, limit=100)

    assert (first.events, first.deliveries) == (before, 4)
    assert _deliveries(session) == [
        (push.id, moved_1.id, "pending"),
        (pull.id, moved_1.id, "pending"),
        (push.id, moved_2.id, "pending"),
        (pull.id, moved_2.id, "pending"),
    ]
    assert other.id not in {s for s, _, _ in _deliveries(session)}
    assert registered.id not in {e for _, e, _ in _deliveries(session)}
    assert session.scalar(unpublished) == 0  # the cursor: every event is marked published

    again = fan_out(session, clock=clock, limit=100)
    assert (again.events, again.deliveries) == (0, 0)
    assert len(_deliveries(session)) == 4

    later = _emit(session, clock, "vehicle.transferred", 4)
    third = fan_out(session, clock=clock, limit=100)
    assert (third.events, third.deliveries) == (1, 1)
    assert _deliveries(session)[-1] == (other.id, later.id, "pending")


def test_fan_out_takes_at_most_limit_events_in_id_order(
    session: Session, clock: FixedClock
) -> None:
    _subscribe(session, clock, "resident.moved")
    fan_out(session, clock=clock, limit=100)  # the subscription's own change event
    events = [_emit(session, clock, "resident.moved", n) for n in range(5)]

    assert fan_out(session, clock=clock, limit=2).events == 2
    assert [e for _, e, _ in _deliveries(session)] == [events[0].id, events[1].id]
    assert fan_out(session, clock=clock, limit=10).events == 3


def test_a_cancelled_subscription_gets_nothing_more(session: Session, clock: FixedClock) -> None:
    subscription = _subscribe(session, clock, "resident.moved")
    _emit(session, clock, "resident.moved")
    fan_out(session, clock=clock, limit=100)

    unsubscribe(session, clock=clock, actor="test", subscription_id=subscription.id)
    _emit(session, clock, "resident.moved")
    fan_out(session, clock=clock, limit=100)

    assert [state for _, _, state in _deliveries(session)] == ["cancelled"]
    with pytest.raises(Conflict) as refused:
        unsubscribe(session, clock=clock, actor="test", subscription_id=subscription.id)
    assert refused.value.code == "subscription_cancelled"


def test_backoff_doubles_from_the_base_and_stops_at_the_cap() -> None:
    delays = [backoff_seconds(n, base=2.0, cap=60.0, rng=lambda: 0.0) for n in range(1, 9)]
    assert delays == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]
    assert backoff_seconds(1000, base=2.0, cap=60.0, rng=lambda: 0.0) == 60.0
    # Jitter only ever shortens a delay, by at most a fifth.
    assert backoff_seconds(3, base=2.0, cap=60.0, rng=lambda: 1.0) == pytest.approx(6.4)
    assert backoff_seconds(9, base=2.0, cap=60.0, rng=lambda: 1.0) == pytest.approx(48.0)


class Flaky:
    """A consumer that fails `failures` times, writing an effect each time it is called."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[int] = []

    def __call__(self, session: Session, event: Event) -> None:
        self.calls.append(event.id)
        session.execute(
            text("UPDATE core_outbox SET attempts = attempts + 1 WHERE id = :id"), {"id": event.id}
        )
        if len(self.calls) <= self.failures:
            raise RuntimeError(f"failure {len(self.calls)}")


def _dispatcher(
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    consumers: dict[str, Callable[[Session, Event], None]],
    **kwargs: Any,
) -> Dispatcher:
    return Dispatcher(
        session_factory=session_factory,
        clock=clock,
        consumers=Consumers(consumers),
        policy=kwargs.pop("policy", RetryPolicy(base_seconds=2, max_seconds=5, max_attempts=4)),
        rng=lambda: 0.0,
        **kwargs,
    )


def _queued(session_factory: sessionmaker[Session], clock: FixedClock, **subscription: Any) -> int:
    """Commit one resident.moved event fanned out to one subscription; its delivery id."""
    with session_factory() as session:
        _subscribe(session, clock, "resident.moved", **subscription)
        _emit(session, clock, "resident.moved")
        fan_out(session, clock=clock, limit=100)
        session.commit()
        return session.scalars(select(PubsubDelivery.id)).one()


def test_failures_back_off_then_die_and_a_replay_delivers(
    session_factory: sessionmaker[Session], session: Session, clock: FixedClock
) -> None:
    delivery_id = _queued(session_factory, clock)
    flaky = Flaky(failures=4)
    dispatcher = _dispatcher(session_factory, clock, {"test.consumer": flaky})
    start = clock.now()

    def row() -> PubsubDelivery:
        session.expire_all()
        return session.get_one(PubsubDelivery, delivery_id)

    assert dispatcher.deliver_one() == "retry"
    assert (row().attempts, row().next_attempt_at, row().last_error) == (
        1,
        start + dt.timedelta(seconds=2),
        "RuntimeError: failure 1",
    )
    assert dispatcher.deliver_one() is None  # not due yet
    clock.advance(dt.timedelta(seconds=2))
    assert dispatcher.deliver_one() == "retry"
    assert row().next_attempt_at == clock.now() + dt.timedelta(seconds=4)
    clock.advance(dt.timedelta(seconds=4))
    assert dispatcher.deliver_one() == "retry"
    assert row().next_attempt_at == clock.now() + dt.timedelta(seconds=5)  # capped
    clock.advance(dt.timedelta(seconds=5))
    assert dispatcher.deliver_one() == "dead"
    assert (row().state, row().attempts, row().last_error) == ("dead", 4, "RuntimeError: failure 4")
    clock.advance(dt.timedelta(days=1))
    assert dispatcher.deliver_one() is None  # the dead are not retried

    # Every failed attempt's effect was rolled back with its savepoint.
    event = session.get_one(OutboxEvent, row().event_id)
    assert event.attempts == 0

    replay(session, clock=clock, actor="test", delivery_id=delivery_id)
    session.commit()
    assert (row().state, row().attempts) == ("pending", 0)
    assert dispatcher.deliver_one() == "acked"
    assert (row().state, row().acked_at) == ("acked", clock.now())
    session.expire_all()
    assert session.get_one(OutboxEvent, row().event_id).attempts == 1  # the one success
    with pytest.raises(Conflict) as refused:
        replay(session, clock=clock, actor="test", delivery_id=delivery_id)
    assert refused.value.code == "delivery_not_dead"


def test_an_unknown_consumer_is_a_failure_not_a_crash(
    session_factory: sessionmaker[Session], session: Session, clock: FixedClock
) -> None:
    delivery_id = _queued(session_factory, clock, consumer="nobody")
    dispatcher = _dispatcher(session_factory, clock, {})

    assert dispatcher.deliver_one() == "retry"
    assert "nobody" in (session.get_one(PubsubDelivery, delivery_id).last_error or "")


def test_pull_deliveries_are_left_to_the_subscriber(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    _queued(session_factory, clock, mode="pull")
    assert _dispatcher(session_factory, clock, {}).deliver_one() is None


def test_first_time_makes_a_consumer_idempotent(
    session_factory: sessionmaker[Session], session: Session, clock: FixedClock
) -> None:
    effects: list[int] = []

    def once(session: Session, event: Event) -> None:
        if first_time(session, "test.once", event.id, now=clock.now()):
            effects.append(event.id)

    with session_factory() as setup:
        _subscribe(setup, clock, "resident.moved", consumer="test.once")
        _subscribe(setup, clock, "resident.moved", subscriber=MOLIT, consumer="test.once")
        event = _emit(setup, clock, "resident.moved")
        fan_out(setup, clock=clock, limit=100)
        setup.commit()
    dispatcher = _dispatcher(session_factory, clock, {"test.once": once})

    # The same event reaches the consumer twice (two subscriptions); its effect happens once.
    assert dispatcher.deliver_due(limit=10) == {"acked": 2}
    assert effects == [event.id]
    assert first_time(session, "test.once", event.id) is False
    assert first_time(session, "another.consumer", event.id) is True
    assert first_time(session, "another.consumer", event.id) is False


class _Receiver(http.server.BaseHTTPRequestHandler):
    statuses: list[int]
    received: list[tuple[dict[str, str], dict[str, Any]]]

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((dict(self.headers.items()), body))
        status = self.statuses.pop(0) if self.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        return None


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Receiver", (_Receiver,), {"statuses": [500, 200], "received": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/events", handler
    finally:
        server.shutdown()
        server.server_close()


def test_http_push_is_retried_after_a_500_and_acked_on_200(
    session_factory: sessionmaker[Session],
    session: Session,
    clock: FixedClock,
    receiver: tuple[str, type[_Receiver]],
) -> None:
    url, handler = receiver
    delivery_id = _queued(session_factory, clock, url=url)
    dispatcher = _dispatcher(session_factory, clock, {})

    assert dispatcher.deliver_one() == "retry"
    assert session.get_one(PubsubDelivery, delivery_id).last_error == "HTTP 500"
    clock.advance(dt.timedelta(seconds=2))
    assert dispatcher.deliver_one() == "acked"
    session.expire_all()
    assert session.get_one(PubsubDelivery, delivery_id).state == "acked"

    event_id = session.get_one(PubsubDelivery, delivery_id).event_id
    assert len(handler.received) == 2
    for headers, body in handler.received:
        assert headers["Idempotency-Key"] == f"nara-event-{event_id}"
        assert headers["Content-Type"] == "application/json"
        assert (body["id"], body["event_type"], body["event"]) == (
            event_id,
            "resident.moved",
            {"person_id": 1},
        )


def test_an_unreachable_url_is_a_failure(
    session_factory: sessionmaker[Session], session: Session, clock: FixedClock
) -> None:
    delivery_id = _queued(session_factory, clock, url="http://127.0.0.1:9/nothing")
    assert _dispatcher(session_factory, clock, {}).deliver_one() == "retry"
    assert session.get_one(PubsubDelivery, delivery_id).last_error


def test_a_worker_pass_fans_out_delivers_and_runs_the_periodic_tasks(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    seen: list[int] = []
    ticks: list[str] = []

    def broken_task() -> None:
        raise RuntimeError("the time-stamp authority is down")

    with session_factory() as session:
        _subscribe(session, clock, "resident.moved")
        for n in range(5):
            _emit(session, clock, "resident.moved", n)
        session.commit()
    worker = Worker(
        dispatcher=_dispatcher(
            session_factory, clock, {"test.consumer": lambda _s, e: seen.append(e.id)}
        ),
        batch=2,
        periodic=[broken_task, lambda: ticks.append("tick")],
    )

    passes = worker.run_until_idle()

    assert len(seen) == 5
    assert passes >= 4  # 2 a pass, then one idle pass
    assert ticks == ["tick"] * passes  # after a failing task, the next still runs
    with session_factory() as session:
        states = session.scalars(select(PubsubDelivery.state)).all()
    assert states == ["acked"] * 5
