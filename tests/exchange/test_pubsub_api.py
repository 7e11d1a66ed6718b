"""The publish/subscribe API under /api/exchange/pubsub: scopes, error codes, pull and ack."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nara.core.clock import FixedClock
from nara.core.outbox import emit
from nara.exchange.pubsub import Consumers, Dispatcher, RetryPolicy, fan_out
from nara.exchange.pubsub.models import PubsubDelivery
from nara.exchange.pubsub.routes import router
from tests.exchange.test_pubsub_delivery import CATALOGUE
from tests.support import api_routes, assert_problem

Auth = Callable[..., dict[str, str]]
BASE = "/api/exchange/pubsub"
NTS = "KR/GOV/NTS/business"
MOLIT = "KR/GOV/MOLIT/vehicles"


@pytest.fixture
def api(app: FastAPI) -> FastAPI:
    """The app with the pub/sub router (until the composition root mounts it) and catalogue."""
    if not any(getattr(r, "path", "").startswith(BASE) for r in api_routes(app.routes)):
        app.include_router(router)
    app.state.pubsub_event_types = CATALOGUE
    app.state.pubsub_consumers = Consumers(
        {"tax.address-follows": lambda _s, _e: None, "failing": lambda _s, _e: None}
    )
    return app


@pytest.fixture
def client(api: FastAPI) -> TestClient:
    with TestClient(api, raise_server_exceptions=False) as client:
        return client


@pytest.fixture
def admin(auth: Auth) -> dict[str, str]:
    return auth("exchange:admin", "exchange:read")


def _subscribe(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post(f"{BASE}/subscriptions", json=body, headers=headers)


def _emit_and_fan_out(
    session_factory: sessionmaker[Session], clock: FixedClock, count: int
) -> list[int]:
    with session_factory() as session:
        events = [
            emit(
                session,
                clock,
                event_type="resident.moved",
                subject_type="person",
                subject_id=n,
                payload={"person_id": n},
            )
            for n in range(count)
        ]
        session.flush()
        fan_out(session, clock=clock, limit=1000)
        session.commit()
        return [e.id for e in events]


def test_every_route_declares_a_scope(api: FastAPI) -> None:
    from nara.core.access import access_of

    routes = [r for r in api_routes(api.routes) if getattr(r, "path", "").startswith(BASE)]
    assert len(routes) == 10
    for route in routes:
        marks = {access_of(d.call) for d in route.dependant.dependencies}
        assert any(m and m.startswith("scope:exchange:") for m in marks), route.path


def test_event_types_need_exchange_read(client: TestClient, auth: Auth) -> None:
    assert_problem(client.get(f"{BASE}/event-types"), 401, "token_missing")
    assert_problem(
        client.get(f"{BASE}/event-types", headers=auth("residents:read")), 403, "scope_missing"
    )
    body = client.get(f"{BASE}/event-types", params={"size": 2}, headers=auth("exchange:read"))
    assert body.status_code == 200, body.text
    page = body.json()
    assert (page["total"], len(page["items"])) == (len(CATALOGUE), 2)
    moved = client.get(f"{BASE}/event-types", params={"size": 500}, headers=auth("exchange:read"))
    item = next(i for i in moved.json()["items"] if i["event_type"] == "resident.moved")
    assert item["publisher"] == "resident"


def test_subscribe_read_change_and_cancel(client: TestClient, admin: dict[str, str]) -> None:
    created = _subscribe(
        client, admin, subscriber=NTS, event_type="resident.moved", consumer="tax.address-follows"
    )
    assert created.status_code == 201, created.text
    subscription = created.json()
    assert (subscription["delivery"], subscription["consumer"], subscription["active"]) == (
        "PUSH",
        "tax.address-follows",
        True,
    )
    assert subscription["subscriber_id"]["application_code"] == "business"
    url = f"{BASE}/subscriptions/{subscription['id']}"

    assert client.get(url, headers=admin).json()["event_type"] == "resident.moved"
    listed = client.get(f"{BASE}/subscriptions", params={"subscriber": NTS}, headers=admin)
    assert [s["id"] for s in listed.json()["items"]] == [subscription["id"]]

    changed = client.patch(url, json={"delivery": "PULL"}, headers=admin)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["delivery"], changed.json()["consumer"]) == ("PULL", None)

    cancelled = client.delete(url, headers=admin)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["active"] is False
    assert_problem(client.delete(url, headers=admin), 409, "subscription_cancelled")
    assert client.get(f"{BASE}/subscriptions", headers=admin).json()["total"] == 0
    everything = client.get(f"{BASE}/subscriptions?include_cancelled=true", headers=admin)
    assert everything.json()["total"] == 1

    again = _subscribe(client, admin, subscriber=NTS, event_type="resident.moved", delivery="PULL")
    assert again.status_code == 201, again.text
    assert again.json()["id"] == subscription["id"]  # the same subscription, active again


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"event_type": "resident.flew_away", "delivery": "PULL"}, "event_type_unknown"),
        ({"event_type": "resident.moved"}, "push_target_required"),
        (
            {"event_type": "resident.moved", "consumer": "tax.address-follows", "url": "https://a"},
            "push_target_required",
        ),
        ({"event_type": "resident.moved", "url": "ftp://tax.example/events"}, "url_invalid"),
        ({"event_type": "resident.moved", "consumer": "nobody"}, "consumer_unknown"),
        (
            {"event_type": "resident.moved", "delivery": "PULL", "url": "https://tax.example/e"},
            "pull_target_unexpected",
        ),
        ({"event_type": "resident.moved", "delivery": "SMOKE"}, "validation_failed"),
        (
            {"event_type": "resident.moved", "delivery": "PULL", "subscriber": "KR/GOV/NTS"},
            "subsystem_id_invalid",
        ),
    ],
)
def test_bad_subscriptions_are_refused_with_a_code(
    client: TestClient, admin: dict[str, str], body: dict[str, Any], code: str
) -> None:
    response = _subscribe(client, admin, **({"subscriber": NTS} | body))
    assert_problem(response, 422, code)
    assert client.get(f"{BASE}/subscriptions", headers=admin).json()["total"] == 0


def test_subscribing_needs_exchange_admin_and_twice_is_a_conflict(
    client: TestClient, auth: Auth, admin: dict[str, str]
) -> None:
    body = {"subscriber": NTS, "event_type": "resident.moved", "delivery": "PULL"}
    assert_problem(_subscribe(client, auth("exchange:read"), **body), 403, "scope_missing")
    assert _subscribe(client, admin, **body).status_code == 201
    assert_problem(_subscribe(client, admin, **body), 409, "subscription_exists")


def test_unknown_subscription_is_404(client: TestClient, admin: dict[str, str]) -> None:
    assert_problem(
        client.get(f"{BASE}/subscriptions/999999", headers=admin), 404, "subscription_unknown"
    )
    assert_problem(
        client.patch(f"{BASE}/subscriptions/999999", json={"delivery": "PULL"}, headers=admin),
        404,
        "subscription_unknown",
    )


def test_a_subscriber_pulls_its_events_and_acknowledges_them(
    client: TestClient,
    auth: Auth,
    admin: dict[str, str],
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> None:
    pull = _subscribe(client, admin, subscriber=NTS, event_type="resident.moved", delivery="PULL")
    push = _subscribe(
        client, admin, subscriber=MOLIT, event_type="resident.moved", consumer="tax.address-follows"
    )
    events = _emit_and_fan_out(session_factory, clock, 3)
    subscriber = auth("exchange:subscribe") | {"X-GovStack-Client": NTS}
    url = f"{BASE}/subscriptions/{pull.json()['id']}/events"

    page = client.get(url, params={"size": 2}, headers=subscriber)
    assert page.status_code == 200, page.text
    assert page.json()["total"] == 3
    first = page.json()["items"][0]
    assert (first["id"], first["event_type"], first["event"]) == (
        events[0],
        "resident.moved",
        {"person_id": 0},
    )

    acked = client.post(f"{url}/{events[0]}/ack", headers=subscriber)
    assert acked.status_code == 200, acked.text
    assert acked.json()["state"] == "acked"
    assert client.post(f"{url}/{events[0]}/ack", headers=subscriber).status_code == 200
    rest = client.get(url, headers=subscriber).json()
    assert [e["id"] for e in rest["items"]] == events[1:]

    assert_problem(client.post(f"{url}/999999/ack", headers=subscriber), 404, "event_not_owed")
    assert_problem(
        client.get(url, headers=admin | {"X-GovStack-Client": NTS}), 403, "scope_missing"
    )
    other = subscriber | {"X-GovStack-Client": MOLIT}
    assert_problem(client.get(url, headers=other), 403, "subscriber_mismatch")
    push_url = f"{BASE}/subscriptions/{push.json()['id']}/events"
    assert_problem(client.get(push_url, headers=other), 409, "subscription_not_pull")
    assert_problem(client.get(url, headers=auth("exchange:subscribe")), 422, "validation_failed")


def test_dead_deliveries_are_listed_and_replayed(
    client: TestClient,
    auth: Auth,
    admin: dict[str, str],
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> None:
    _subscribe(client, admin, subscriber=NTS, event_type="resident.moved", consumer="failing")
    _emit_and_fan_out(session_factory, clock, 1)

    def failing(_session: Session, _event: Any) -> None:
        raise RuntimeError("the tax office is closed")

    dispatcher = Dispatcher(
        session_factory=session_factory,
        clock=clock,
        consumers=Consumers({"failing": failing}),
        policy=RetryPolicy(max_attempts=1),
    )
    assert dispatcher.deliver_one() == "dead"

    dead = client.get(f"{BASE}/deliveries", headers=auth("exchange:read"))
    assert dead.status_code == 200, dead.text
    (item,) = dead.json()["items"]
    assert (item["state"], item["attempts"], item["last_error"]) == (
        "dead",
        1,
        "RuntimeError: the tax office is closed",
    )
    replay_url = f"{BASE}/deliveries/{item['id']}/replay"
    assert_problem(client.post(replay_url, headers=auth("exchange:read")), 403, "scope_missing")
    clock.advance(dt.timedelta(minutes=5))
    replayed = client.post(replay_url, headers=admin)
    assert replayed.status_code == 200, replayed.text
    assert (replayed.json()["state"], replayed.json()["attempts"]) == ("pending", 0)
    assert replayed.json()["next_attempt_at"].startswith(clock.now().isoformat()[:19])
    assert client.get(f"{BASE}/deliveries", headers=admin).json()["total"] == 0
    assert_problem(client.post(replay_url, headers=admin), 409, "delivery_not_dead")
    assert_problem(
        client.post(f"{BASE}/deliveries/999999/replay", headers=admin), 404, "delivery_unknown"
    )
    assert_problem(
        client.get(f"{BASE}/deliveries", params={"state": "lost"}, headers=admin),
        422,
        "delivery_state_invalid",
    )
    with session_factory() as session:
        assert session.scalars(select(PubsubDelivery.state)).all() == ["pending"]
