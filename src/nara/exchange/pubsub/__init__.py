"""Publish/subscribe of registry events, after the GovStack Information Mediator pub/sub API.

Agencies write events to `core_outbox` with their changes and declare them in `EVENTS`.
A subscriber subsystem subscribes to an event type, by push (to an in-process consumer or an
http(s) URL) or by pull (it polls and acknowledges). `nara worker` fans new outbox events out
to one delivery per subscription and delivers due pushes with retries and dead letters.
See docs/pubsub.md.
"""

from nara.exchange.pubsub.delivery import (
    Consumer,
    Consumers,
    Dispatcher,
    Event,
    Job,
    PeriodicTask,
    RetryPolicy,
    Worker,
    backoff_seconds,
    build_worker,
    declared_consumers,
    declared_event_types,
    fan_out,
)
from nara.exchange.pubsub.service import (
    acknowledge,
    change_delivery,
    first_time,
    pending_events,
    replay,
    subscribe,
    subscribe_declared,
    unsubscribe,
)

__all__ = [
    "Consumer",
    "Consumers",
    "Dispatcher",
    "Event",
    "Job",
    "PeriodicTask",
    "RetryPolicy",
    "Worker",
    "acknowledge",
    "backoff_seconds",
    "build_worker",
    "change_delivery",
    "declared_consumers",
    "declared_event_types",
    "fan_out",
    "first_time",
    "pending_events",
    "replay",
    "subscribe",
    "subscribe_declared",
    "unsubscribe",
]
