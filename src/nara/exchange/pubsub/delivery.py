"""Dispatch: fan-out of outbox events to subscriptions, delivery with retries, and the worker.

Fan-out takes the outbox rows not yet published (`published_at` null), in id order, and in
one transaction writes one delivery per matching active subscription and marks the rows
published: a crash never loses or duplicates a fan-out. (A cursor on the id would skip an
event whose transaction took its id early but committed late; `published_at` cannot.)

Delivery takes one due push delivery at a time (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on
SQLite the claim is a write, so workers are serialised):

- an in-process consumer (`Consumers`, by name) runs in the claiming transaction, inside a
  savepoint, and the ack commits with its effect: exactly one effect per event;
- a URL receives `POST` JSON outside any transaction (the claim holds a lease meanwhile);
  2xx is an ack. At least once: the receiver de-duplicates on the event id, sent in the body
  and as `Idempotency-Key`.

A failure counts an attempt and schedules the next one after
`min(max, base * 2 ** (attempts - 1))` seconds, up to 20 % earlier (jitter); after
`max_attempts` failures the delivery is dead until an administrator replays it.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Final

import structlog
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from nara.core.clock import Clock
from nara.core.db import unit_of_work
from nara.core.outbox import OutboxEvent
from nara.core.settings import Settings
from nara.exchange.pubsub import repository
from nara.exchange.pubsub.models import PubsubDelivery, PubsubSubscription

log = structlog.get_logger("nara.worker")

HTTP_TIMEOUT_SECONDS: Final = 10.0
LEASE_SECONDS: Final = 60.0
"""How long a claimed HTTP delivery is left alone before another pass may retry it."""
JITTER: Final = 0.2
ERROR_LENGTH: Final = 2000


@dataclass(frozen=True)
class Event:
    """An event as consumers receive it: the outbox row, read-only."""

    id: int
    event_type: str
    source: str
    subject_type: str
    subject_id: str
    payload: dict[str, Any]
    occurred_at: dt.datetime

    @classmethod
    def of(cls, row: OutboxEvent) -> Event:
        return cls(
            id=row.id,
            event_type=row.event_type,
            source=row.source,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
            payload=dict(row.payload),
            occurred_at=row.occurred_at,
        )

    def as_json(self) -> dict[str, Any]:
        """The body of a push and an item of a pull (GovStack `EventItem`, snake case)."""
        return {
            "id": self.id,
            "sequence": self.id,
            "event_type": self.event_type,
            "publisher": self.source,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "occurred_at": self.occurred_at.isoformat(),
            "event": self.payload,
        }


Consumer = Callable[[Session, Event], None]
"""An in-process consumer: applies an event in the given session (never commits); raising
means failure (the savepoint is rolled back and the delivery retried)."""


class Consumers(Mapping[str, Consumer]):
    """The in-process consumers a worker can push to, by name (`tax.address-follows`)."""

    def __init__(self, consumers: Mapping[str, Consumer] | None = None) -> None:
        self._consumers: dict[str, Consumer] = {}
        for name, consumer in (consumers or {}).items():
            self.register(name, consumer)

    def register(self, name: str, consumer: Consumer) -> None:
        if not name or not name.isprintable() or len(name) > 200:
            raise ValueError(f"bad consumer name {name!r}")
        if name in self._consumers:
            raise ValueError(f"a consumer named {name!r} is already registered")
        self._consumers[name] = consumer

    def __getitem__(self, name: str) -> Consumer:
        return self._consumers[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._consumers)

    def __len__(self) -> int:
        return len(self._consumers)


def declared_event_types(modules: Sequence[ModuleType]) -> dict[str, str]:
    """The catalogue of event types: the `EVENTS` of each agency's `exchange` module."""
    catalogue: dict[str, str] = {}
    for module in modules:
        catalogue.update(getattr(module, "EVENTS", {}))
    return dict(sorted(catalogue.items()))


def declared_consumers(modules: Sequence[ModuleType]) -> Consumers:
    """The in-process consumers the modules declare in `CONSUMERS` (name → callable)."""
    consumers = Consumers()
    for module in modules:
        for name, consumer in getattr(module, "CONSUMERS", {}).items():
            consumers.register(name, consumer)
    return consumers


# Retries -----------------------------------------------------------------------------------


def backoff_seconds(
    attempts: int, *, base: float, cap: float, rng: Callable[[], float] = random.random
) -> float:
    """Delay before the next attempt after `attempts` failures: `base`, doubling per failure,
    at most `cap`, then up to `JITTER` (20 %) shorter at random so retries spread out."""
    exponent = max(attempts - 1, 0)
    delay = cap if exponent >= 64 else min(cap, base * 2**exponent)
    return float(delay * (1 - JITTER * rng()))


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 2.0
    max_seconds: float = 3600.0
    max_attempts: int = 20

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            base_seconds=settings.worker_backoff_base_seconds,
            max_seconds=settings.worker_backoff_max_seconds,
            max_attempts=settings.worker_max_attempts,
        )


def record_failure(
    delivery: PubsubDelivery,
    *,
    error: str,
    now: dt.datetime,
    policy: RetryPolicy,
    rng: Callable[[], float] = random.random,
) -> str:
    """Count a failed attempt; schedule the next one or park the delivery as dead."""
    delivery.attempts += 1
    delivery.last_error = error[:ERROR_LENGTH]
    if delivery.attempts >= policy.max_attempts:
        delivery.state = "dead"
        return "dead"
    delay = backoff_seconds(
        delivery.attempts, base=policy.base_seconds, cap=policy.max_seconds, rng=rng
    )
    delivery.next_attempt_at = now + dt.timedelta(seconds=delay)
    return "retry"


def _ack(delivery: PubsubDelivery, now: dt.datetime) -> str:
    delivery.state, delivery.acked_at = "acked", now
    return "acked"


# Fan-out -----------------------------------------------------------------------------------


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@dataclass(frozen=True)
class FanOut:
    events: int = 0
    deliveries: int = 0


def fan_out(session: Session, *, clock: Clock, limit: int) -> FanOut:
    """Publish up to `limit` new outbox events: their deliveries and `published_at`, in the
    caller's transaction (one `UPDATE ... RETURNING` claims them, so it is a write first)."""
    now = clock.now()
    pick = (
        select(OutboxEvent.id)
        .where(OutboxEvent.published_at.is_(None))
        .order_by(OutboxEvent.id)
        .limit(limit)
    )
    if _is_postgres(session):
        pick = pick.with_for_update(skip_locked=True)
    claimed = session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id.in_(pick))
        .values(published_at=now)
        .returning(OutboxEvent.id, OutboxEvent.event_type)
        .execution_options(synchronize_session=False)
    ).all()
    if not claimed:
        return FanOut()
    by_type: dict[str, list[PubsubSubscription]] = {}
    for subscription in repository.active_subscriptions(session, {t for _, t in claimed}):
        by_type.setdefault(subscription.event_type, []).append(subscription)
    rows = [
        {
            "subscription_id": subscription.id,
            "event_id": event_id,
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": None,
            "created_at": now,
            "acked_at": None,
        }
        for event_id, event_type in sorted(claimed)
        for subscription in by_type.get(event_type, [])
    ]
    if rows:
        session.execute(insert(PubsubDelivery), rows)
    return FanOut(events=len(claimed), deliveries=len(rows))


# Delivery ----------------------------------------------------------------------------------

HttpPost = Callable[[str, bytes, Mapping[str, str], float], int]
"""POST `body` to a URL with headers and a timeout; return the HTTP status."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not an acknowledgement (urllib would turn the POST into a GET)."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post_json(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
    """The default `HttpPost`, with the standard library."""
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url!r}")
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310  (scheme checked above)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _claim(session: Session, now: dt.datetime) -> int | None:
    """Take the next due push delivery, leasing it for `LEASE_SECONDS`."""
    due = (
        select(PubsubDelivery.id)
        .join(PubsubSubscription, PubsubSubscription.id == PubsubDelivery.subscription_id)
        .where(
            PubsubDelivery.state == "pending",
            PubsubDelivery.next_attempt_at <= now,
            PubsubSubscription.mode == "push",
            PubsubSubscription.active.is_(True),
        )
        .order_by(PubsubDelivery.next_attempt_at, PubsubDelivery.id)
        .limit(1)
    )
    if _is_postgres(session):
        due = due.with_for_update(of=PubsubDelivery, skip_locked=True)
    claimed: int | None = session.execute(
        update(PubsubDelivery)
        .where(PubsubDelivery.id == due.scalar_subquery())
        .values(next_attempt_at=now + dt.timedelta(seconds=LEASE_SECONDS))
        .returning(PubsubDelivery.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    return claimed


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


@dataclass
class Dispatcher:
    """Delivers due push deliveries, one transaction each."""

    session_factory: sessionmaker[Session]
    clock: Clock
    consumers: Mapping[str, Consumer]
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    http: HttpPost = post_json
    http_timeout: float = HTTP_TIMEOUT_SECONDS
    rng: Callable[[], float] = random.random

    def deliver_due(self, *, limit: int) -> dict[str, int]:
        """Deliver up to `limit` due deliveries; count the outcomes (`acked`, `retry`, `dead`)."""
        outcomes: dict[str, int] = {}
        for _ in range(limit):
            outcome = self.deliver_one()
            if outcome is None:
                break
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        return outcomes

    def deliver_one(self) -> str | None:
        """Deliver the next due delivery: `acked`, `retry`, `dead`, `lost` (an HTTP result
        found the delivery handled meanwhile), or None when nothing is due."""
        with unit_of_work(self.session_factory) as session:
            now = self.clock.now()
            delivery_id = _claim(session, now)
            if delivery_id is None:
                return None
            delivery = session.get_one(PubsubDelivery, delivery_id)
            subscription = session.get_one(PubsubSubscription, delivery.subscription_id)
            event = Event.of(session.get_one(OutboxEvent, delivery.event_id))
            if subscription.url is None:
                return self._in_process(session, delivery, subscription, event, now)
            url, attempts = subscription.url, delivery.attempts
        error: str | None = None
        try:
            status = self.http(url, *self._request(event), self.http_timeout)
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except Exception as exc:  # noqa: BLE001  (any failure of the receiver is a retry)
            error = _error_text(exc)
        with unit_of_work(self.session_factory) as session:
            delivery = session.get_one(PubsubDelivery, delivery_id)
            if delivery.state != "pending" or delivery.attempts != attempts:
                return "lost"
            return self._settle(delivery, error, subscription_id=subscription.id)

    def _in_process(
        self,
        session: Session,
        delivery: PubsubDelivery,
        subscription: PubsubSubscription,
        event: Event,
        now: dt.datetime,
    ) -> str:
        error: str | None = None
        consumer = self.consumers.get(subscription.consumer or "")
        if consumer is None:
            error = f"no consumer named {subscription.consumer!r} in this worker"
        else:
            try:
                with session.begin_nested():
                    consumer(session, event)
            except Exception as exc:  # noqa: BLE001  (a consumer's failure is a retry)
                error = _error_text(exc)
        return self._settle(delivery, error, subscription_id=subscription.id, now=now)

    def _settle(
        self,
        delivery: PubsubDelivery,
        error: str | None,
        *,
        subscription_id: int,
        now: dt.datetime | None = None,
    ) -> str:
        now = now or self.clock.now()
        if error is None:
            return _ack(delivery, now)
        outcome = record_failure(delivery, error=error, now=now, policy=self.policy, rng=self.rng)
        logger = log.error if outcome == "dead" else log.warning
        logger(
            "delivery_dead" if outcome == "dead" else "delivery_failed",
            delivery_id=delivery.id,
            subscription_id=subscription_id,
            event_id=delivery.event_id,
            attempts=delivery.attempts,
            error=delivery.last_error,
        )
        return outcome

    @staticmethod
    def _request(event: Event) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(event.as_json(), ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": f"nara-event-{event.id}",
            "X-Nara-Event-Id": str(event.id),
            "X-Nara-Event-Type": event.event_type,
        }
        return body, headers


# The worker --------------------------------------------------------------------------------

PeriodicTask = Callable[[], None]
"""A task the worker runs on every pass; it decides itself whether it is due."""

Job = Callable[[], int]
"""Work the worker does on every pass besides deliveries (the steps of one-stop cases); it
answers how many items it handled, so that a pass that handled any is not idle."""


@dataclass(frozen=True)
class PassReport:
    events: int = 0
    deliveries: int = 0
    outcomes: Mapping[str, int] = field(default_factory=dict)
    jobs: int = 0

    @property
    def idle(self) -> bool:
        return self.events == 0 and not self.outcomes and self.jobs == 0


@dataclass
class Worker:
    """`nara worker`: fan out, deliver what is due, run the periodic tasks; repeat.

    `periodic` is the hook for work that is due now and then rather than per event (the
    message log's batch time-stamp): each task runs once per pass, after the deliveries,
    and a failing task is logged without stopping the worker.
    """

    dispatcher: Dispatcher
    batch: int = 100
    poll_seconds: float = 1.0
    periodic: Sequence[PeriodicTask] = ()
    jobs: Sequence[Job] = ()

    def run_pass(self) -> PassReport:
        """One pass: fan out up to `batch` events, deliver up to `batch` deliveries, run the
        jobs, then the periodic tasks."""
        with unit_of_work(self.dispatcher.session_factory) as session:
            fanned = fan_out(session, clock=self.dispatcher.clock, limit=self.batch)
        outcomes = self.dispatcher.deliver_due(limit=self.batch)
        handled = sum(job() for job in self.jobs)
        for task in self.periodic:
            try:
                task()
            except Exception:
                log.exception("periodic_task_failed", task=getattr(task, "__name__", repr(task)))
        report = PassReport(
            events=fanned.events, deliveries=fanned.deliveries, outcomes=outcomes, jobs=handled
        )
        if not report.idle:
            log.info(
                "worker_pass",
                events=report.events,
                deliveries=report.deliveries,
                jobs=report.jobs,
                **dict(report.outcomes),
            )
        return report

    def run_until_idle(self, *, max_passes: int = 1_000_000) -> int:
        """Pass until nothing was fanned out or delivered (`nara worker --once`); the passes run.

        Failed deliveries are rescheduled into the future, so they do not keep it busy."""
        passes = 0
        while passes < max_passes:
            passes += 1
            if self.run_pass().idle:
                break
        return passes

    def run_forever(self, stop: threading.Event) -> None:
        """Pass until `stop` is set, sleeping `poll_seconds` when idle or after an error.

        The pass under way when `stop` is set is finished first."""
        log.info("worker_started", batch=self.batch, poll_seconds=self.poll_seconds)
        while not stop.is_set():
            try:
                idle = self.run_pass().idle
            except Exception:
                log.exception("worker_pass_failed")
                idle = True
            if idle:
                stop.wait(self.poll_seconds)
        log.info("worker_stopped")


def build_worker(
    settings: Settings,
    *,
    session_factory: sessionmaker[Session],
    clock: Clock,
    consumers: Mapping[str, Consumer],
    periodic: Sequence[PeriodicTask] = (),
    jobs: Sequence[Job] = (),
) -> Worker:
    """A worker with the settings' batch, poll interval and retry policy."""
    return Worker(
        dispatcher=Dispatcher(
            session_factory=session_factory,
            clock=clock,
            consumers=consumers,
            policy=RetryPolicy.from_settings(settings),
        ),
        batch=settings.worker_batch,
        poll_seconds=settings.worker_poll_seconds,
        periodic=periodic,
        jobs=jobs,
    )
