"""Finding vehicles: by id, plate or VIN; an owner's vehicles now and on a past day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.errors import Invalid
from nara.core.outbox import OutboxEvent
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from nara.residents.models import Person
from nara.vehicles.exchange import EVENTS
from tests.support import assert_problem, call_wire, grant
from tests.vehicles.helpers import SEOCHO, owner, register_vehicle


@pytest.fixture
def fleet(
    client: TestClient, headers: dict[str, str], clock: FixedClock, kim: Person, lee: Person
) -> dict[str, Any]:
    """Kim's three cars; on 12 March one is sold to Lee and another scrapped."""
    sold = register_vehicle(client, headers, owner(kim), plate="12가3456")
    scrapped = register_vehicle(client, headers, owner(kim), plate="34나5678")
    kept = register_vehicle(client, headers, owner(kim), plate="서울56다7890")
    clock.advance(dt.timedelta(days=10))
    sale = {"owner": owner(lee), "transferred_on": "2026-03-12"}
    client.post(f"/api/vehicles/{sold['id']}/transfers", json=sale, headers=headers)
    client.post(
        f"/api/vehicles/{scrapped['id']}/deregistration",
        json={"reason": "scrapped"},
        headers=headers,
    )
    return {"sold": sold, "scrapped": scrapped, "kept": kept}


def test_a_vehicle_is_found_by_id_plate_or_vin(
    client: TestClient, headers: dict[str, str], kim: Person
) -> None:
    car = register_vehicle(client, headers, owner(kim), plate="서울12가3456")
    for url in (
        f"/api/vehicles/{car['id']}",
        "/api/vehicles/plates/서울 12가 3456",
        f"/api/vehicles/vins/{car['vin'].lower()}",
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert response.json() == car


def test_looking_up_unknown_or_malformed_numbers(
    client: TestClient, headers: dict[str, str]
) -> None:
    assert_problem(client.get("/api/vehicles/424242", headers=headers), 404, "vehicle_unknown")
    assert_problem(
        client.get("/api/vehicles/plates/12가3456", headers=headers), 404, "vehicle_unknown"
    )
    response = client.get("/api/vehicles/vins/KMHD341CBNU999999", headers=headers)
    assert_problem(response, 404, "vehicle_unknown")
    assert_problem(client.get("/api/vehicles/plates/ABC123", headers=headers), 422, "plate_format")
    assert_problem(client.get("/api/vehicles/vins/SHORT", headers=headers), 422, "vin_format")


def plates(
    client: TestClient, headers: dict[str, str], owner_id: int, query: str = ""
) -> list[str]:
    page = client.get(f"/api/vehicles/owners/person/{owner_id}{query}", headers=headers).json()
    return [v["plate"] for v in page["items"]]


def test_an_owners_vehicles_now_and_on_a_past_day(
    client: TestClient, headers: dict[str, str], fleet: dict[str, Any], kim: Person, lee: Person
) -> None:
    assert plates(client, headers, kim.id) == ["서울56다7890"]
    assert plates(client, headers, kim.id, "?as_of=2026-03-11") == [
        "12가3456",
        "34나5678",
        "서울56다7890",
    ]
    assert plates(client, headers, kim.id, "?as_of=2025-03-31") == []
    assert plates(client, headers, lee.id) == ["12가3456"]
    assert plates(client, headers, lee.id, "?as_of=2026-03-11") == []


def test_an_owners_vehicles_come_in_pages(
    client: TestClient, headers: dict[str, str], fleet: dict[str, Any], kim: Person
) -> None:
    url = f"/api/vehicles/owners/person/{kim.id}?as_of=2026-03-11&page=2&size=2"
    page = client.get(url, headers=headers).json()
    assert (page["page"], page["size"], page["total"]) == (2, 2, 3)
    assert [v["plate"] for v in page["items"]] == ["서울56다7890"]


def test_bad_owner_queries(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get("/api/vehicles/owners/public/1", headers=headers)
    assert_problem(response, 422, "owner_kind_unknown")
    response = client.get("/api/vehicles/owners/person/1?as_of=2026-03-03", headers=headers)
    assert_problem(response, 422, "as_of_future")


def test_the_ownership_history_lists_every_owner(
    client: TestClient, headers: dict[str, str], fleet: dict[str, Any]
) -> None:
    url = f"/api/vehicles/{fleet['sold']['id']}/ownerships"
    history = client.get(url, headers=headers).json()
    assert [(o["owner_name"], o["released_on"]) for o in history] == [
        ("김민준", "2026-03-12"),
        ("이서연", None),
    ]
    assert_problem(
        client.get("/api/vehicles/424242/ownerships", headers=headers), 404, "vehicle_unknown"
    )
    assert_problem(
        client.get("/api/vehicles/424242/liens", headers=headers), 404, "vehicle_unknown"
    )


def test_other_agencies_find_an_owners_vehicles_through_the_exchange(
    *,
    app: FastAPI,
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
    fleet: dict[str, Any],
    kim: Person,
) -> None:
    ctx = CallContext(
        session=session, clock=clock, cipher=cipher, client="tax", purpose="tax-assessment"
    )
    grant(session, clock, "tax", "vehicles/vehicles-of-owner")
    call = partial(call_wire, app.state.exchange)  # the purpose's view exactly: no sido_code

    [kept] = call("vehicles/vehicles-of-owner", ctx, owner_kind="person", owner_id=kim.id)
    assert kept == {
        "vehicle_id": fleet["kept"]["id"],
        "plate": "서울56다7890",
        "vin": fleet["kept"]["vin"],
        "make": "현대",
        "model": "아반떼",
        "model_year": 2025,
        "vehicle_type": "passenger",
        "status": "registered",
    }
    earlier = call(
        "vehicles/vehicles-of-owner", ctx, owner_kind="person", owner_id=kim.id, as_of="2026-03-11"
    )
    assert len(earlier) == 3
    with pytest.raises(Invalid, match=r"params_invalid: .*: as_of\.$"):
        call("vehicles/vehicles-of-owner", ctx, owner_kind="person", owner_id=kim.id, as_of="soon")


def test_every_event_the_register_publishes_is_declared(
    client: TestClient, headers: dict[str, str], session: Session, fleet: dict[str, Any]
) -> None:
    url = f"/api/vehicles/{fleet['kept']['id']}"
    client.put(f"{url}/base-address", json={"base_address": SEOCHO}, headers=headers)
    lien_in = {"creditor_name": "나라캐피탈", "amount_won": 1_000_000}
    lien_id = client.post(f"{url}/liens", json=lien_in, headers=headers).json()["id"]
    client.post(f"{url}/liens/{lien_id}/release", headers=headers)
    published = set(
        session.scalars(select(OutboxEvent.event_type).where(OutboxEvent.source == "vehicle"))
    )
    assert published == set(EVENTS)


def test_reading_needs_a_token_with_the_read_scope(
    client: TestClient, auth: Callable[..., dict[str, str]]
) -> None:
    for url in (
        "/api/vehicles/1",
        "/api/vehicles/plates/12가3456",
        "/api/vehicles/owners/person/1",
    ):
        assert_problem(client.get(url), 401, "token_missing")
        assert_problem(client.get(url, headers=auth("land:read")), 403, "scope_missing")
